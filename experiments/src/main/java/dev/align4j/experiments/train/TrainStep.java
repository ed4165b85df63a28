package dev.align4j.experiments.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.align4j.core.Scalars;
import dev.align4j.policies.llama.Autograd;
import dev.align4j.policies.score.DeferredBackward;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimizer update over an effective batch split into micro-batches (gradient accumulation). For micro-batch
 * i with n_i examples and mean loss L_i, the gradients of n_i · L_i are accumulated and divided by N = Σ n_i, so
 *
 * <pre>  g = ∇ (Σ_i n_i · L_i) / N = ∇ (mean loss over the whole effective batch)</pre>
 *
 * whatever the split (1 × 32 and 16 × 2 give the same update). Then the global gradient norm is clipped
 * (min(1, max_norm / (‖g‖ + 1e-6)), as torch's clip_grad_norm_), AdamW takes a step and gradients are zeroed.
 * A step whose loss or global gradient norm is not finite is not applied: its gradients are set to 0 and the
 * result says so ({@link StepResult#applied()}); the trainer decides whether that stops the run.
 * Each micro-batch runs inside its own {@link NDManager} scope, closed
 * when its backward pass (the loss's, then any {@link MicroBatchResult#deferred()} part) is done; parameters are attached to that scope only temporarily, so arrays derived from
 * them are freed with it.
 */
public final class TrainStep {
  private final Map<String, NDArray> parameters;
  private final AdamW optimizer;
  private final double maxGradNorm;
  private final NDManager root;

  /**
   * @param maxGradNorm clip threshold for the global gradient norm; {@code Double.POSITIVE_INFINITY} disables
   *     clipping (the norm is still measured)
   */
  public TrainStep(Map<String, NDArray> parameters, AdamW optimizer, double maxGradNorm, NDManager root) {
    if (!(maxGradNorm > 0)) {
      throw new IllegalArgumentException("max_grad_norm must be > 0, got " + maxGradNorm);
    }
    this.parameters = parameters;
    this.optimizer = optimizer;
    this.maxGradNorm = maxGradNorm;
    this.root = root;
  }

  /** Forward and backward over every micro-batch, then clip, update with {@code lr}, zero gradients. */
  public <B> StepResult run(List<B> microBatches, double lr, MicroBatchLoss<B> lossFn) {
    if (microBatches.isEmpty()) {
      throw new IllegalArgumentException("an update needs at least one micro-batch");
    }
    Collection<NDArray> params = parameters.values();
    double total = 0;
    double weightedLoss = 0;
    Map<String, Double> weightedMetrics = new LinkedHashMap<>();
    for (B micro : microBatches) {
      try (NDManager scope = root.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        scope.tempAttachAll(params.toArray(NDArray[]::new));
        MicroBatchResult r = lossFn.compute(scope, micro);
        collector.backward(Scalars.mul(r.meanLoss(), r.size()));
        r.deferred().forEach(DeferredBackward::backward); // a split backward pass continues into the model
        total += r.size();
        weightedLoss += r.size() * r.meanLoss().toType(DataType.FLOAT64, false).getDouble(); // exact for float32 too
        r.metrics().forEach((k, v) -> weightedMetrics.merge(k, r.size() * v, Double::sum));
      }
    }
    // the accumulated gradients are those of Σ n_i·L_i; the mean's are 1/N of that. Averaging and clipping are
    // folded into one factor that AdamW applies as it reads the gradients (nothing writes into them but zeroing).
    double norm = GradientClipping.globalNorm(params) / total;
    double loss = weightedLoss / total;
    Map<String, Double> metrics = new LinkedHashMap<>();
    double n = total;
    weightedMetrics.forEach((k, v) -> metrics.put(k, v / n));
    if (!Double.isFinite(norm) || !Double.isFinite(loss)) {
      // a NaN or infinite gradient would poison the weights and AdamW's moments for good: discard it
      zeroGradients(params);
      return new StepResult(loss, norm, lr, metrics, false);
    }
    double scale = GradientClipping.coefficient(norm, maxGradNorm) / total;
    optimizer.step(parameters, lr, scale);
    return new StepResult(loss, norm, lr, metrics, true);
  }

  /** Sets every gradient to 0 in place (assignment, not {@code g − g}, which stays NaN for a NaN gradient). */
  private void zeroGradients(Collection<NDArray> params) {
    try (Autograd.GradMode off = Autograd.noGrad()) { // whatever this thread's grad mode (see AdamW#step)
      zero(params);
    }
  }

  private void zero(Collection<NDArray> params) {
    for (NDArray p : params) {
      if (p.hasGradient()) {
        try (NDManager scope = root.newSubManager()) {
          NDArray g = p.getGradient();
          scope.attachAll(g); // a handle onto p.grad; closing it keeps the gradient tensor
          g.set(new NDIndex("..."), 0);
        }
      }
    }
  }

}
