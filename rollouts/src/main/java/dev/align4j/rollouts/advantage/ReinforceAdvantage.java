package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;

/**
 * REINFORCE with a batch-mean baseline (Williams 1992; the baseline ReMax / REINFORCE++ papers compare against,
 * arXiv 2310.10505): every sample's baseline is the mean reward of the whole batch, across prompts,
 *
 * <pre>
 *   A_ij = r_ij - mean_{k,l} r_kl
 * </pre>
 *
 * Unlike the group estimators it does not condition the baseline on the prompt, so groups with equal rewards
 * still get a (shared) nonzero advantage when other prompts differ.
 */
public record ReinforceAdvantage() implements AdvantageEstimator {

  @Override
  public NDArray estimate(NDArray rewards) {
    Groups.checkShape(rewards, minGroupSize());
    return rewards.sub(rewards.mean());
  }

  /** Registers {@code "reinforce"}. */
  public static final class Type implements AdvantageType {
    @Override
    public String name() {
      return "reinforce";
    }

    @Override
    public Class<ReinforceAdvantage> configType() {
      return ReinforceAdvantage.class;
    }
  }
}
