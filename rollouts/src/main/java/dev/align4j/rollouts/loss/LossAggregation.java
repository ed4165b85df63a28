package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.align4j.core.Scalars;

/**
 * Reduces a per-token loss {@code l [B, T]} under a 0/1 completion mask {@code m [B, T]} to a scalar. The three
 * choices are the ones verl's {@code agg_loss} offers and the RL papers argue about:
 *
 * <ul>
 *   <li>{@code token_mean} (DAPO, arXiv 2503.14476): {@code sum(l*m) / sum(m)}; every token weighs the same.
 *   <li>{@code sequence_mean} (GRPO, arXiv 2402.03300): {@code mean_b( sum_t(l*m)_b / sum_t(m)_b )}; long
 *       sequences' tokens weigh less.
 *   <li>{@code constant_length} (Dr. GRPO, arXiv 2503.20783): {@code sum(l*m) / (B * maxLength)}; no length
 *       normalization at all, only a constant.
 * </ul>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = LossAggregation.TokenMean.class, name = "token_mean"),
  @JsonSubTypes.Type(value = LossAggregation.SequenceMean.class, name = "sequence_mean"),
  @JsonSubTypes.Type(value = LossAggregation.ConstantLength.class, name = "constant_length")
})
public sealed interface LossAggregation {

  /** Scalar aggregate of {@code perToken} over the positions where {@code mask} is 1. */
  NDArray aggregate(NDArray perToken, NDArray mask);

  /** DAPO token-level mean over all completion tokens of the batch. */
  record TokenMean() implements LossAggregation {
    @Override
    public NDArray aggregate(NDArray perToken, NDArray mask) {
      return perToken.mul(mask).sum().div(mask.sum().maximum(1f));
    }
  }

  /** GRPO: mean over each sequence's tokens, then mean over sequences. */
  record SequenceMean() implements LossAggregation {
    @Override
    public NDArray aggregate(NDArray perToken, NDArray mask) {
      NDArray perSequence =
          perToken.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
      return perSequence.mean();
    }
  }

  /**
   * Dr. GRPO: token sum divided by a constant, {@code B * maxLength}.
   *
   * @param maxLength the constant per-sequence normalizer (the generation budget), {@code >= 1}
   */
  record ConstantLength(@JsonProperty("max_length") int maxLength) implements LossAggregation {
    public ConstantLength {
      if (maxLength < 1) {
        throw new IllegalArgumentException("max_length must be >= 1, got " + maxLength);
      }
    }

    @Override
    public NDArray aggregate(NDArray perToken, NDArray mask) {
      long batch = perToken.getShape().get(0);
      return Scalars.div(perToken.mul(mask).sum(), (float) batch * maxLength);
    }
  }
}
