/**
 * The {@code ./align4j spark verify|ref-logprobs|bon-score} and {@code ./align4j bench spark-verify} commands,
 * registered through {@link dev.align4j.app.cli.CliExtension}; {@link dev.align4j.spark.cli.SparkMain} is
 * the {@code spark-submit} entry point.
 */
package dev.align4j.spark.cli;
