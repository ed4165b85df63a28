package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;

/**
 * TRL's {@code loss_type="dapo"} (DAPO, arXiv 2503.14476, eq. 12, token-level policy-gradient loss): every loss token
 * of the whole optimizer update weighs the same, {@code L = Σ l·m / N} with N the update's loss tokens across all
 * micro-batches and accumulation steps. Each micro-batch reports its local token mean and its token count as weight,
 * so {@code Σ_i (n_i / N) · (Σ_i l·m / n_i) = Σ l·m / N} whatever the split. JSON {@code {"type": "dapo"}}.
 */
public record GlobalTokenMeanLoss() implements LossAggregation {

  @Override
  public NDArray aggregate(NDArray perToken, NDArray mask) {
    return LossAggregation.tokenMean(perToken, mask);
  }

  @Override
  public double weight(NDArray mask) {
    return mask.sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }

  /** Registers {@code "dapo"}. */
  public static final class Type implements LossAggregationType {
    @Override
    public String name() {
      return "dapo";
    }

    @Override
    public Class<GlobalTokenMeanLoss> configType() {
      return GlobalTokenMeanLoss.class;
    }
  }
}
