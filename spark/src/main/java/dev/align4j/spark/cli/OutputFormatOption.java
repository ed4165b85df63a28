package dev.align4j.spark.cli;

import dev.align4j.app.cli.Options;
import dev.align4j.spark.io.OutputDataset;
import picocli.CommandLine.Option;

/** {@code --format parquet|jsonl}: how a job's output rows are stored. */
public final class OutputFormatOption {
  @Option(names = "--format", description = "parquet | jsonl part files (default: ${DEFAULT-VALUE})")
  String format = "parquet";

  /** The chosen format; an unknown name is bad input naming {@code --format} (exit 2). */
  public OutputDataset.Format format() {
    return Options.choice(OutputDataset.Format.class, "--format", format);
  }
}
