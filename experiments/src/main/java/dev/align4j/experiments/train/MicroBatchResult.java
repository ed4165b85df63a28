package dev.align4j.experiments.train;

import ai.djl.ndarray.NDArray;
import dev.align4j.policies.score.DeferredBackward;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forward result of one micro-batch.
 *
 * @param meanLoss scalar, differentiable: the loss averaged over the micro-batch's {@code size} examples (or
 *     tokens, when the loss is per token)
 * @param size how many examples (or tokens) the mean is over, ≥ 1; micro-batches are weighted by it
 * @param metrics micro-batch means of the metrics to log (TRL names), averaged over micro-batches by size
 * @param deferred what {@link TrainStep} runs after the loss's backward pass, in order: the rest of a split backward
 *     pass (e.g. {@link dev.align4j.policies.score.ChunkedLogProbs}, whose loss-side backward stops at the
 *     log-probs); empty when autograd reaches the weights by itself
 */
public record MicroBatchResult(NDArray meanLoss, double size, Map<String, Double> metrics,
    List<DeferredBackward> deferred) {
  public MicroBatchResult {
    if (meanLoss.getShape().dimension() != 0 && meanLoss.size() != 1) {
      throw new IllegalArgumentException("meanLoss must be a scalar, got shape " + meanLoss.getShape());
    }
    if (!(size > 0)) {
      throw new IllegalArgumentException("size must be > 0, got " + size);
    }
    metrics = new LinkedHashMap<>(metrics);
    deferred = List.copyOf(deferred);
  }

  /** A result whose loss autograd differentiates all the way to the weights (nothing deferred). */
  public MicroBatchResult(NDArray meanLoss, double size, Map<String, Double> metrics) {
    this(meanLoss, size, metrics, List.of());
  }
}
