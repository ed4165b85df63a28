package dev.align4j.spark.cli;

import dev.align4j.app.cli.Checker;
import dev.align4j.app.cli.Options;
import dev.align4j.spark.InputLines;
import dev.align4j.spark.SparkSessions;
import dev.align4j.spark.jobs.CheckJob;
import dev.align4j.spark.jobs.RowPlan;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BiFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of the checking commands ({@code spark verify}, {@code spark bon-score}) and how they run. */
public final class CheckOptions {
  @Option(names = "--checker", required = true, converter = Checker.Converter.class,
      description = "math | code | ifeval")
  Checker checker;

  @Option(names = "--input", required = true, description = "input JSONL (or .parquet)")
  String input;

  @Option(names = "--output", required = true, description = "output JSONL on the driver (written atomically)")
  Path output;

  @Option(names = "--workers", description = "checks in flight per executor (default: cores of this machine)")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--timeout-ms", description = "code: wall-clock limit per response in ms (default: ${DEFAULT-VALUE})")
  long timeoutMs = 5000;

  @Mixin SparkOptions spark;

  /** Runs the job with the plan {@code plan.apply(checker, timeoutMs)} and prints a one-line summary. */
  void run(BiFunction<Checker, Long, RowPlan> plan, String verb) {
    Options.inRange("--workers", workers, 1, 256);
    Options.inRange("--timeout-ms", timeoutMs, 100, 600_000);
    Options.atLeast("--partitions", spark.partitions(), 1);
    Options.output("--output", output);
    InputLines.requireExists(input); // before the session starts: a typo costs no cluster start-up
    CheckJob job = new CheckJob(input, output, plan.apply(checker, timeoutMs), workers, spark.partitions());
    try (SparkSessions.Handle h = SparkSessions.open(spark.master(), "align4j " + verb)) {
      long n = job.run(h.session());
      System.out.printf(Locale.ROOT, "%s %d lines (%s) on %s%n", verb, n, checker.wireName(),
          h.session().sparkContext().master());
    }
  }
}
