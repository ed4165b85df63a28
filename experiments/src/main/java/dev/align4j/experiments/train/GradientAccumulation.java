package dev.align4j.experiments.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.align4j.core.Scalars;
import dev.align4j.policies.score.DeferredBackward;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forward and backward passes of one optimizer update over its micro-batches. First every micro-batch's weight
 * {@code w_i} is read ({@link MicroBatchLoss#weight}) and {@code W = Σ w_i} formed; then each micro-batch runs in its
 * own {@link NDManager} scope and back-propagates {@code (w_i / W) · L_i}, so the gradients accumulated in the
 * parameters are those of
 *
 * <pre>  L = Σ_i (w_i / W) · L_i</pre>
 *
 * whatever the split (one micro-batch of 32 examples and 16 of 2 give the same update). A split backward pass
 * ({@link MicroBatchResult#deferred()}, e.g. chunked log-probs) continues right after the loss's, inside the same
 * scope. The parameters are attached to each scope only temporarily, so arrays derived from them are freed with it. A micro-batch of weight 0
 * contributes nothing; when every weight is 0 the update's gradient is 0.
 */
public final class GradientAccumulation {
  private GradientAccumulation() {}

  /**
   * What the passes of one update produced.
   *
   * @param loss {@code L}, the update's loss
   * @param contributions {@code (w_i / W) · L_i} per micro-batch (they sum to {@code loss})
   * @param metrics the micro-batches' metrics, averaged with their {@code metricsWeight}s
   */
  public record Accumulated(double loss, double[] contributions, Map<String, Double> metrics) {}

  /** Runs the passes; the gradients of {@code L} accumulate into {@code parameters}. */
  public static <B> Accumulated run(
      List<B> microBatches, MicroBatchLoss<B> lossFn, Collection<NDArray> parameters, NDManager root) {
    if (microBatches.isEmpty()) {
      throw new IllegalArgumentException("an update needs at least one micro-batch");
    }
    double[] weights = new double[microBatches.size()];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = lossFn.weight(microBatches.get(i));
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("micro-batch " + i + " has weight " + weights[i]
            + ": weights must be finite and >= 0");
      }
      total += weights[i];
    }
    double loss = 0;
    double[] contributions = new double[weights.length];
    Map<String, Double> sums = new LinkedHashMap<>();
    Map<String, Double> plain = new LinkedHashMap<>();
    double metricsTotal = 0;
    for (int i = 0; i < weights.length; i++) {
      double scale = total > 0 ? weights[i] / total : 0.0;
      try (NDManager scope = root.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        scope.tempAttachAll(parameters.toArray(NDArray[]::new));
        MicroBatchResult r = lossFn.compute(scope, microBatches.get(i));
        collector.backward(Scalars.mul(r.loss(), Scalars.sameType(r.loss(), scale)));
        r.deferred().forEach(DeferredBackward::backward); // a split backward pass continues into the model
        contributions[i] = scale * r.loss().toType(DataType.FLOAT64, false).getDouble();
        loss += contributions[i];
        double mw = r.metricsWeight();
        metricsTotal += mw;
        r.metrics().forEach((k, v) -> {
          sums.merge(k, mw * v, Double::sum);
          plain.merge(k, v, Double::sum);
        });
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    double n = metricsTotal;
    int count = weights.length;
    // when nothing carries metric weight (e.g. every loss token masked), fall back to the plain mean
    (n > 0 ? sums : plain).forEach((k, v) -> metrics.put(k, n > 0 ? v / n : v / count));
    return new Accumulated(loss, contributions, metrics);
  }
}
