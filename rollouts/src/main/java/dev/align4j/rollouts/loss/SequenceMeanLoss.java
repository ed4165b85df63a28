package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;

/**
 * TRL's {@code loss_type="grpo"} (DeepSeekMath, arXiv 2402.03300, eq. 3): each sequence's per-token losses are
 * averaged over its own tokens, then sequences are averaged, {@code L_i = mean_b( Σ_t l·m / max(1, Σ_t m) )}; every
 * micro-batch weighs the same ({@code w = 1}). Long sequences' tokens weigh less than short ones'. A fully masked
 * sequence still counts in the mean over sequences, as in TRL. JSON {@code {"type": "grpo"}}.
 */
public record SequenceMeanLoss() implements LossAggregation {

  @Override
  public NDArray aggregate(NDArray perToken, NDArray mask) {
    NDArray perSequence = perToken.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f)); // [B]
    return perSequence.mean();
  }

  @Override
  public double weight(NDArray mask) {
    return 1.0;
  }

  /** Registers {@code "grpo"}. */
  public static final class Type implements LossAggregationType {
    @Override
    public String name() {
      return "grpo";
    }

    @Override
    public Class<SequenceMeanLoss> configType() {
      return SequenceMeanLoss.class;
    }
  }
}
