package dev.align4j.experiments.train;

import ai.djl.ndarray.NDManager;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

/**
 * The loss of one micro-batch of an optimizer update. The update's loss is
 *
 * <pre>  L = Σ_i (w_i / Σ_j w_j) · L_i</pre>
 *
 * with {@code w_i = weight(micro-batch i)} and {@code L_i} the loss {@link #compute} returns. The weights are read
 * for every micro-batch of the update before the first forward pass, so each micro-batch's backward pass already
 * carries its final scale (as TRL's {@code num_items_in_batch} normalizer does for token-level losses): examples for
 * a mean over examples, tokens for a global token mean, 1 for a plain mean of micro-batch losses.
 *
 * @param <B> the micro-batch type (token ids, preference pairs, rollouts …)
 */
public interface MicroBatchLoss<B> {

  /** The micro-batch's weight in its update, finite and {@code >= 0}; no forward pass. */
  double weight(B microBatch);

  /** Forward pass, inside the scope {@link GradientAccumulation} opens for it: the loss and its metrics. */
  MicroBatchResult compute(NDManager scope, B microBatch);

  /** A micro-batch loss from its two functions (e.g. lambdas). */
  static <B> MicroBatchLoss<B> of(
      ToDoubleFunction<B> weight, BiFunction<NDManager, B, MicroBatchResult> compute) {
    return new MicroBatchLoss<>() {
      @Override
      public double weight(B microBatch) {
        return weight.applyAsDouble(microBatch);
      }

      @Override
      public MicroBatchResult compute(NDManager scope, B microBatch) {
        return compute.apply(scope, microBatch);
      }
    };
  }
}
