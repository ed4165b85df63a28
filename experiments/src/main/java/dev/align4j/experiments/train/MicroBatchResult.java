package dev.align4j.experiments.train;

import ai.djl.ndarray.NDArray;
import dev.align4j.policies.score.DeferredBackward;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forward result of one micro-batch.
 *
 * @param loss scalar, differentiable: this micro-batch's loss {@code L_i} (see {@link MicroBatchLoss})
 * @param metricsWeight what the micro-batch's metrics are averages over (examples, loss tokens), {@code >= 0}; the
 *     update's metrics are the means weighted by it
 * @param metrics the micro-batch's metric values (TRL names)
 * @param deferred what {@link GradientAccumulation} runs after the loss's backward pass, in order: the rest of a
 *     split backward pass (e.g. {@link dev.align4j.policies.score.ChunkedLogProbs}, whose loss-side backward stops at
 *     the log-probs); empty when autograd reaches the weights by itself
 */
public record MicroBatchResult(NDArray loss, double metricsWeight, Map<String, Double> metrics,
    List<DeferredBackward> deferred) {
  public MicroBatchResult {
    if (loss.getShape().dimension() != 0 && loss.size() != 1) {
      throw new IllegalArgumentException("loss must be a scalar, got shape " + loss.getShape());
    }
    if (!(metricsWeight >= 0) || Double.isInfinite(metricsWeight)) {
      throw new IllegalArgumentException("metricsWeight must be finite and >= 0, got " + metricsWeight);
    }
    metrics = new LinkedHashMap<>(metrics);
    deferred = List.copyOf(deferred);
  }

  /** A result whose loss autograd differentiates all the way to the weights (nothing deferred). */
  public MicroBatchResult(NDArray loss, double metricsWeight, Map<String, Double> metrics) {
    this(loss, metricsWeight, metrics, List.of());
  }
}
