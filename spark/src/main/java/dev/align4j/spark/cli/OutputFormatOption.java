package dev.align4j.spark.cli;

import dev.align4j.spark.io.OutputDataset;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --format parquet|jsonl}: how a job's output rows are stored. */
public final class OutputFormatOption {
  @Option(names = "--format", description = "parquet | jsonl part files (default: ${DEFAULT-VALUE})")
  String format = "parquet";

  /** The chosen format; an unknown name is a usage error. */
  public OutputDataset.Format format() {
    for (OutputDataset.Format f : OutputDataset.Format.values()) {
      if (f.wireName().equals(format.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("--format: unknown value '" + format + "' (allowed: parquet, jsonl)");
  }
}
