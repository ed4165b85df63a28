package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;

/**
 * TRL's {@code loss_type="bnpo"}: the token mean over the micro-batch, {@code L_i = Σ l·m / max(1, Σ m)}, every
 * micro-batch weighing the same ({@code w = 1}). Unlike {@link GlobalTokenMeanLoss} the normalizer is local, so the
 * result depends on how the update is split into micro-batches (as TRL documents). JSON {@code {"type": "bnpo"}}.
 */
public record LocalTokenMeanLoss() implements LossAggregation {

  @Override
  public NDArray aggregate(NDArray perToken, NDArray mask) {
    return LossAggregation.tokenMean(perToken, mask);
  }

  @Override
  public double weight(NDArray mask) {
    return 1.0;
  }

  /** Registers {@code "bnpo"}. */
  public static final class Type implements LossAggregationType {
    @Override
    public String name() {
      return "bnpo";
    }

    @Override
    public Class<LocalTokenMeanLoss> configType() {
      return LocalTokenMeanLoss.class;
    }
  }
}
