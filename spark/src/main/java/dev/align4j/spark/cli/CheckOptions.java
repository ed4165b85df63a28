package dev.align4j.spark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Checker;
import dev.align4j.app.cli.Options;
import dev.align4j.core.Jsonl;
import dev.align4j.spark.SparkSessions;
import dev.align4j.spark.io.InputDataset;
import dev.align4j.spark.io.OutputDataset;
import dev.align4j.spark.jobs.CheckJob;
import dev.align4j.spark.jobs.RowPlan;
import java.util.Locale;
import java.util.function.BiFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of the checking commands ({@code spark verify}, {@code spark bon-score}) and how they run. */
public final class CheckOptions {
  @Option(names = "--checker", required = true, converter = Checker.Converter.class,
      description = "math | code | ifeval")
  Checker checker;

  @Option(names = "--input", required = true,
      description = "JSONL file, folder of part files, glob, or Parquet; any Hadoop URI")
  String input;

  @Option(names = "--output", required = true,
      description = "output folder (any Hadoop URI): part files plus _manifest.json, committed atomically")
  String output;

  @Mixin OutputFormatOption format;

  @Option(names = "--workers", description = "checks in flight per executor (default: cores of this machine)")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--timeout-ms", description = "code: wall-clock limit per response in ms (default: ${DEFAULT-VALUE})")
  long timeoutMs = 5000;

  @Mixin SparkOptions spark;

  /** Runs the job with the plan {@code plan.apply(checker, timeoutMs)} and prints a one-line summary. */
  void run(BiFunction<Checker, Long, RowPlan> plan, String job, String verb) {
    // every option and path is checked before the session starts: a typo costs no cluster start-up
    Options.inRange("--workers", workers, 1, 256);
    Options.inRange("--timeout-ms", timeoutMs, 100, 600_000);
    Options.atLeast("--partitions", spark.partitions(), 1);
    OutputDataset.Format outputFormat = format.format();
    OutputDataset.requireUsable(output, "--output");
    InputDataset.requireExists(input);
    CheckJob checkJob = new CheckJob(input, output, outputFormat, plan.apply(checker, timeoutMs), workers,
        spark.partitions());
    ObjectNode config = Jsonl.MAPPER.createObjectNode();
    config.put("checker", checker.wireName());
    config.put("workers", workers);
    config.put("timeout_ms", timeoutMs);
    config.put("partitions", spark.partitions());
    try (SparkSessions.Handle h = SparkSessions.open(spark.master(), "align4j " + job)) {
      CheckJob.Result r = checkJob.run(h.session(), job, config);
      System.out.printf(Locale.ROOT, "%s %d rows (%s) -> %s (%s) on %s%n", verb, r.rows(), checker.wireName(), output,
          format.format().wireName(), h.session().sparkContext().master());
    }
  }
}
