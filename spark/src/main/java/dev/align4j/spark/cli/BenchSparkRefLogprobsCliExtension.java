package dev.align4j.spark.cli;

import dev.align4j.app.cli.CliExtension;
import java.util.Optional;

/** Registers {@code ./align4j bench spark-ref-logprobs} with the core CLI. */
public final class BenchSparkRefLogprobsCliExtension implements CliExtension {
  @Override
  public Object command() {
    return new BenchSparkRefLogprobsCommand();
  }

  @Override
  public Optional<String> parent() {
    return Optional.of("bench");
  }
}
