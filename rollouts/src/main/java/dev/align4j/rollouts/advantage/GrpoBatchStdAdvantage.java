package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.Require;
import dev.align4j.core.Scalars;

/**
 * GRPO's group baseline with the batch's standard deviation (TRL's {@code scale_rewards="batch"}, the "Lite PPO"
 * normalization of arXiv 2508.08221): the group mean is subtracted, then the result is divided by the unbiased
 * standard deviation of all N·G rewards of the batch,
 *
 * <pre>
 *   A_ij = (r_ij - mean_j r_i) / (std_{k,l} r_kl + epsilon)
 * </pre>
 *
 * so a group's advantages keep their spread relative to the rest of the batch. Groups whose rewards are all equal
 * get exactly zero. JSON {@code {"type": "grpo_batch_std", "epsilon": 1e-4}} (TRL's epsilon).
 *
 * @param epsilon added to the std before dividing, {@code > 0}
 */
public record GrpoBatchStdAdvantage(@JsonProperty("epsilon") double epsilon) implements AdvantageEstimator {

  public GrpoBatchStdAdvantage {
    Require.positive("epsilon", epsilon);
  }

  @Override
  public NDArray estimate(NDArray rewards) {
    Groups.checkShape(rewards, minGroupSize());
    NDArray centered = rewards.sub(Groups.rowMean(rewards)); // [N, G]
    NDArray all = rewards.sub(rewards.mean()); // [N, G]
    NDArray std = all.square().sum().div(rewards.size() - 1).sqrt(); // scalar
    return Groups.zeroUniformRows(rewards, centered.div(std.add(Scalars.sameType(std, epsilon))));
  }

  @Override
  public int minGroupSize() {
    return 2;
  }

  /** Registers {@code "grpo_batch_std"}. */
  public static final class Type implements AdvantageType {
    @Override
    public String name() {
      return "grpo_batch_std";
    }

    @Override
    public Class<GrpoBatchStdAdvantage> configType() {
      return GrpoBatchStdAdvantage.class;
    }
  }
}
