package dev.align4j.experiments.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.align4j.policies.llama.Autograd;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One optimizer update over an effective batch split into micro-batches: {@link GradientAccumulation} (weights read
 * first, each micro-batch back-propagating {@code (w_i / Σ w) · L_i}), then the global gradient norm is clipped
 * (min(1, max_norm / (‖g‖ + 1e-6)), as torch's clip_grad_norm_), AdamW takes a step and gradients are zeroed.
 * A step whose loss or global gradient norm is not finite is not applied: its gradients are set to 0 and the
 * result says so ({@link StepResult#applied()}); the trainer decides whether that stops the run.
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
    Collection<NDArray> params = parameters.values();
    GradientAccumulation.Accumulated acc = GradientAccumulation.run(microBatches, lossFn, params, root);
    double norm = GradientClipping.globalNorm(params);
    if (!Double.isFinite(norm) || !Double.isFinite(acc.loss())) {
      // a NaN or infinite gradient would poison the weights and AdamW's moments for good: discard it
      zeroGradients(params);
      return new StepResult(acc.loss(), norm, lr, acc.metrics(), false);
    }
    // clipping is one factor that AdamW applies as it reads the gradients (nothing writes into them but zeroing)
    optimizer.step(parameters, lr, GradientClipping.coefficient(norm, maxGradNorm));
    return new StepResult(acc.loss(), norm, lr, acc.metrics(), true);
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
