package dev.align4j.spark.cli;

import dev.align4j.app.cli.Main;
import dev.align4j.spark.jobs.RowPlan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./align4j spark verify --checker math|code|ifeval --input IN --output OUT.jsonl [--workers N] [--master M]}:
 * the single-machine {@code verify} (same input fields, same output lines {@code {"id", "reward", "status",
 * "detail"}} in input order, same exit codes) with the checks spread over a Spark cluster.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verifiable rewards over a dataset on Spark (same input/output as 'verify').")
public final class SparkVerifyCommand implements Callable<Integer> {
  @Mixin CheckOptions options;

  @Override
  public Integer call() {
    options.run(RowPlan.Verify::new, "verified");
    return Main.EXIT_OK;
  }
}
