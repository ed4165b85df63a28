package dev.align4j.rollouts;

import java.util.Objects;

/**
 * One sampled completion, graded.
 *
 * @param completionTokens the new tokens (EOS included when the sampler stopped on it)
 * @param score the grader's reward
 * @param reward the shaped reward advantages are computed from: {@code score} plus DAPO's overlong penalty, if any
 * @param passed the verifier's pass/fail, kept apart from the reward
 * @param truncated whether the completion ended without an EOS token (it ran into the token budget)
 */
public record Sample(int[] completionTokens, double score, double reward, boolean passed, boolean truncated) {
  public Sample {
    Objects.requireNonNull(completionTokens, "completionTokens");
    if (!Double.isFinite(reward) || !Double.isFinite(score)) {
      throw new IllegalArgumentException("score and reward must be finite, got " + score + " and " + reward);
    }
    completionTokens = completionTokens.clone();
  }

  @Override
  public int[] completionTokens() {
    return completionTokens.clone();
  }

  /** Number of new tokens. */
  public int length() {
    return completionTokens.length;
  }
}
