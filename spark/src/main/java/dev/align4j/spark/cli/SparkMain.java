package dev.align4j.spark.cli;

import dev.align4j.app.cli.Main;

/**
 * The main class for {@code spark-submit}: {@code spark-submit --class dev.align4j.spark.cli.SparkMain JAR verify
 * ...} runs {@code ./align4j spark verify ...} in the submitted driver, on the master spark-submit chose.
 */
public final class SparkMain {
  private SparkMain() {}

  /** Runs {@code align4j spark <args>} and exits with its code. */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "spark";
    System.arraycopy(args, 0, all, 1, args.length);
    System.exit(Main.execute(all));
  }
}
