package dev.align4j.rollouts;

import dev.align4j.rewards.Graded;
import java.util.function.DoublePredicate;

/**
 * Grades one sampled completion of a prompt into a shaped reward and, kept apart, the verifier's pass/fail
 * ({@link Graded}). {@link TextReward} does it with a {@link dev.align4j.rewards.Reward} from config on the decoded
 * text; {@link #of} wraps a plain {@link RewardFunction} with an explicit pass rule.
 *
 * @param <R> what the completion is checked against (a gold answer, tests, constraints)
 */
@FunctionalInterface
public interface Grader<R> {

  /**
   * @param promptTokens the prompt as the policy saw it
   * @param completionTokens the sampled continuation (EOS included when the sampler stopped on it)
   * @param reference the prompt's reference
   */
  Graded grade(int[] promptTokens, int[] completionTokens, R reference);

  /** A reward function whose completions pass when {@code passes} accepts their reward. */
  static <R> Grader<R> of(RewardFunction<R> reward, DoublePredicate passes) {
    return (prompt, completion, reference) -> {
      double r = reward.reward(prompt, completion, reference);
      boolean ok = passes.test(r);
      return new Graded(r, ok, ok ? "passed" : "failed");
    };
  }
}
