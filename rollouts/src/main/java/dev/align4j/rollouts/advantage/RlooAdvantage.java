package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;

/**
 * REINFORCE Leave-One-Out (Ahmadian et al., "Back to Basics", arXiv 2402.14740): each sample's baseline is the
 * mean reward of the other G - 1 samples of its group,
 *
 * <pre>
 *   A_ij = r_ij - (sum_k r_ik - r_ij) / (G - 1)  =  G / (G - 1) * (r_ij - mean_k r_ik)
 * </pre>
 *
 * as in TRL's {@code RLOOTrainer} and verl's {@code compute_rloo_outcome_advantage}. Needs G >= 2.
 */
public record RlooAdvantage() implements AdvantageEstimator {

  @Override
  public NDArray estimate(NDArray rewards) {
    Groups.checkShape(rewards, minGroupSize());
    long g = rewards.getShape().get(1);
    NDArray baseline = rewards.sum(new int[] {1}, true).sub(rewards).div(g - 1);
    return Groups.zeroUniformRows(rewards, rewards.sub(baseline));
  }

  @Override
  public int minGroupSize() {
    return 2;
  }

  /** Registers {@code "rloo"}. */
  public static final class Type implements AdvantageType {
    @Override
    public String name() {
      return "rloo";
    }

    @Override
    public Class<RlooAdvantage> configType() {
      return RlooAdvantage.class;
    }
  }
}
