package dev.align4j.spark.cli;

import dev.align4j.app.cli.CliExtension;

/** Registers {@code ./align4j spark ...} with the core CLI. */
public final class SparkCliExtension implements CliExtension {
  @Override
  public Object command() {
    return new SparkCommand();
  }
}
