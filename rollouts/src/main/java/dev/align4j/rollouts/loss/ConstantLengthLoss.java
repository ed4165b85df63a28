package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.Require;
import dev.align4j.core.Scalars;

/**
 * TRL's {@code loss_type="dr_grpo"} (Dr. GRPO, arXiv 2503.20783): the token sum over a constant, no length
 * normalization, {@code L_i = Σ l·m / (B_i · max_completion_length)}, every micro-batch weighing the same
 * ({@code w = 1}); verl's {@code seq-mean-token-sum-norm}. JSON
 * {@code {"type": "dr_grpo", "max_completion_length": 2048}} (the generation budget).
 *
 * @param maxCompletionLength the constant per-sequence normalizer, {@code >= 1}
 */
public record ConstantLengthLoss(@JsonProperty("max_completion_length") int maxCompletionLength)
    implements LossAggregation {

  public ConstantLengthLoss {
    Require.positive("max_completion_length", maxCompletionLength);
  }

  @Override
  public NDArray aggregate(NDArray perToken, NDArray mask) {
    long batch = perToken.getShape().get(0);
    NDArray sum = perToken.mul(mask).sum();
    return Scalars.div(sum, Scalars.sameType(sum, (double) batch * maxCompletionLength));
  }

  @Override
  public double weight(NDArray mask) {
    return 1.0;
  }

  /** Registers {@code "dr_grpo"}. */
  public static final class Type implements LossAggregationType {
    @Override
    public String name() {
      return "dr_grpo";
    }

    @Override
    public Class<ConstantLengthLoss> configType() {
      return ConstantLengthLoss.class;
    }
  }
}
