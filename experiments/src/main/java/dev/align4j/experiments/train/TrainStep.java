package dev.align4j.experiments.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One optimizer update over an effective batch split into micro-batches: {@link GradientAccumulation} (weights read
 * first, each micro-batch back-propagating {@code (w_i / Σ w) · L_i}), then the global gradient norm is clipped
 * (min(1, max_norm / (‖g‖ + 1e-6)), as torch's clip_grad_norm_), AdamW takes a step and gradients are zeroed.
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
    // clipping is one factor that AdamW applies as it reads the gradients (nothing writes into them but zeroing)
    double norm = GradientClipping.globalNorm(params);
    optimizer.step(parameters, lr, GradientClipping.coefficient(norm, maxGradNorm));
    return new StepResult(acc.loss(), norm, lr, acc.metrics());
  }
}
