package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;

/**
 * Dr. GRPO advantage (Liu et al., "Understanding R1-Zero-Like Training", arXiv 2503.20783): the group mean is
 * subtracted but the result is not divided by the group std, which removes GRPO's difficulty bias:
 *
 * <pre>
 *   A_ij = r_ij - mean_j r_i
 * </pre>
 *
 * The paper's second fix (no per-sequence length normalization) lives in the loss: pair this estimator with
 * {@link dev.align4j.rollouts.loss.LossAggregation.ConstantLength}. Matches verl's
 * {@code norm_adv_by_std_in_grpo=False}.
 */
public record DrGrpoAdvantage() implements AdvantageEstimator {

  @Override
  public NDArray estimate(NDArray rewards) {
    Groups.checkShape(rewards, minGroupSize());
    return Groups.zeroUniformRows(rewards, rewards.sub(Groups.rowMean(rewards)));
  }

  /** Registers {@code "dr_grpo"}. */
  public static final class Type implements AdvantageType {
    @Override
    public String name() {
      return "dr_grpo";
    }

    @Override
    public Class<DrGrpoAdvantage> configType() {
      return DrGrpoAdvantage.class;
    }
  }
}
