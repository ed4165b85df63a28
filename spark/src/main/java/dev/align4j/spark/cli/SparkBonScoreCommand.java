package dev.align4j.spark.cli;

import dev.align4j.app.cli.Main;
import dev.align4j.spark.jobs.RowPlan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./align4j spark bon-score --checker math|code|ifeval --input IN --output OUT.jsonl}: Best-of-N over given
 * candidates. Input {@code {"id", "candidates": [text, ...], <the checker's fields: gold | tests | constraints>}};
 * output {@code {"id", "best", "reward", "status", "detail", "rewards", "response"}} with {@code best} the index of
 * the highest reward, ties to the first candidate (as rollouts' {@code BestOfN} picks).
 */
@Command(name = "bon-score", mixinStandardHelpOptions = true,
    description = "Score N given candidates per prompt with a verifier and pick the best, on Spark.")
public final class SparkBonScoreCommand implements Callable<Integer> {
  @Mixin CheckOptions options;

  @Override
  public Integer call() {
    options.run(RowPlan.BestOfN::new, "scored");
    return Main.EXIT_OK;
  }
}
