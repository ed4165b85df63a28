package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import dev.align4j.core.RegistryTypeResolver;

/**
 * How per-token losses {@code l [B, T]} under a 0/1 loss mask {@code m [B, T]} become the loss of one optimizer
 * update that may be split into micro-batches (gradient accumulation): TRL's {@code loss_type}. Each micro-batch i
 * reports its own scalar {@code L_i = aggregate(l_i, m_i)} and a weight {@code w_i = weight(m_i)}, which the trainer
 * reads <em>before</em> any backward pass; the update's loss is
 *
 * <pre>
 *   L = Σ_i (w_i / Σ_j w_j) · L_i
 * </pre>
 *
 * The built-ins, with TRL's names ({@code GRPOTrainer._compute_loss}):
 *
 * <ul>
 *   <li>{@code grpo}: {@code L_i = mean_b( Σ_t l·m / max(1, Σ_t m) )}, {@code w_i = 1} (TRL divides each micro-batch
 *       by the accumulation steps; verl {@code seq-mean-token-mean}).
 *   <li>{@code bnpo}: {@code L_i = Σ l·m / max(1, Σ m)} over the micro-batch, {@code w_i = 1} (a token mean of the
 *       local batch only).
 *   <li>{@code dr_grpo}: {@code L_i = Σ l·m / (B_i · max_completion_length)}, {@code w_i = 1} (Dr. GRPO, arXiv
 *       2503.20783; verl {@code seq-mean-token-sum-norm}).
 *   <li>{@code dapo}: {@code L_i = Σ l·m / max(1, Σ m)}, {@code w_i = Σ m}, so {@code L = Σ l·m / N} with N the
 *       loss tokens of the whole update, across micro-batches and accumulation steps (DAPO, arXiv 2503.14476, eq. 12;
 *       TRL's {@code num_items_in_batch}; verl {@code token-mean} with the global token count).
 * </ul>
 *
 * <p>An open plug-in point: a {@link LossAggregationType} listed in
 * {@code META-INF/services/dev.align4j.rollouts.loss.LossAggregationType} makes {@code {"type": name, ...}} bind to
 * its record, in the {@code grpo} experiment and anywhere a {@link PolicyLossConfig} is read.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeIdResolver(LossAggregation.Types.class)
public interface LossAggregation {

  /** The micro-batch's scalar loss from per-token losses {@code [B, T]} and the loss mask {@code [B, T]}. */
  NDArray aggregate(NDArray perToken, NDArray mask);

  /** The micro-batch's weight in its update, from its loss mask {@code [B, T]}; finite and {@code >= 0}. */
  double weight(NDArray mask);

  /** {@code Σ l·m / max(1, Σ m)}: the token mean of {@code perToken} under {@code mask}, both {@code [B, T]}. */
  static NDArray tokenMean(NDArray perToken, NDArray mask) {
    return perToken.mul(mask).sum().div(mask.sum().maximum(1f));
  }

  /** Binds {@code "type"} to the records of {@link LossAggregationType#REGISTRY}. */
  final class Types extends RegistryTypeResolver<LossAggregation> {
    public Types() {
      super(LossAggregationType.REGISTRY);
    }
  }
}
