package dev.align4j.spark.cli;

import dev.align4j.app.cli.CliExtension;
import java.util.Optional;

/** Registers {@code ./align4j bench spark-verify} with the core CLI. */
public final class BenchSparkCliExtension implements CliExtension {
  @Override
  public Object command() {
    return new BenchSparkVerifyCommand();
  }

  @Override
  public Optional<String> parent() {
    return Optional.of("bench");
  }
}
