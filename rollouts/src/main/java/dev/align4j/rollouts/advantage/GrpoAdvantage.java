package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;
import dev.align4j.core.Scalars;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * GRPO group-normalized advantage (Shao et al., DeepSeekMath, arXiv 2402.03300):
 *
 * <pre>
 *   A_ij = (r_ij - mean_j r_i) / (std_j r_i + epsilon)
 * </pre>
 *
 * with the unbiased (Bessel-corrected) standard deviation over the group, as {@code torch.std} computes it in
 * open-instruct's {@code grpo_fast.py} and verl's {@code compute_grpo_outcome_advantage} (epsilon 1e-6 there).
 * Groups whose rewards are all equal get exactly zero.
 *
 * @param epsilon added to the std before dividing, {@code > 0}
 */
public record GrpoAdvantage(@JsonProperty("epsilon") double epsilon) implements AdvantageEstimator {

  /** The epsilon verl uses. */
  public static final double DEFAULT_EPSILON = 1e-6;

  public GrpoAdvantage {
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be a finite number > 0, got " + epsilon);
    }
  }

  /** GRPO with {@link #DEFAULT_EPSILON}. */
  public static GrpoAdvantage standard() {
    return new GrpoAdvantage(DEFAULT_EPSILON);
  }

  @Override
  public NDArray estimate(NDArray rewards) {
    Groups.checkShape(rewards, minGroupSize());
    long g = rewards.getShape().get(1);
    NDArray centered = rewards.sub(Groups.rowMean(rewards));
    NDArray std = centered.square().sum(new int[] {1}, true).div(g - 1).sqrt();
    return Groups.zeroUniformRows(rewards, centered.div(std.add(Scalars.sameType(std, epsilon))));
  }

  @Override
  public int minGroupSize() {
    return 2;
  }

  /** Registers {@code "grpo"}. */
  public static final class Type implements AdvantageType {
    @Override
    public String name() {
      return "grpo";
    }

    @Override
    public Class<GrpoAdvantage> configType() {
      return GrpoAdvantage.class;
    }
  }
}
