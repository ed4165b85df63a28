package dev.align4j.rollouts;

import dev.align4j.rewards.Graded;
import dev.align4j.rewards.Reward;
import java.util.Objects;

/**
 * A {@link Reward} (built from a {@code "reward"} config: math, code, ifeval, weighted_sum or a plug-in) as a
 * {@link Grader}: decode the completion, grade the text against the prompt's reference.
 *
 * @param reward the reward
 * @param decoder turns completion tokens into the response text the reward reads
 * @param <R> the reference type
 */
public record TextReward<R>(Reward<R> reward, TokenDecoder decoder) implements Grader<R>, RewardFunction<R> {

  public TextReward {
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(decoder, "decoder");
  }

  @Override
  public Graded grade(int[] promptTokens, int[] completionTokens, R reference) {
    return reward.grade(decoder.decode(completionTokens), reference);
  }

  @Override
  public double reward(int[] promptTokens, int[] completionTokens, R reference) {
    return grade(promptTokens, completionTokens, reference).reward();
  }
}
