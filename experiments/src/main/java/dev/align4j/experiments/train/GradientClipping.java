package dev.align4j.experiments.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Collection;

/**
 * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_}: with ‖g‖ = sqrt(Σ_p Σ g_p²) over all
 * parameters, every gradient is scaled by min(1, max_norm / (‖g‖ + 1e-6)). {@link TrainStep} measures the norm and
 * hands the factor to {@link AdamW#step(java.util.Map, double, double)}, which applies it as it reads the gradients.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global L2 norm of the gradients of {@code parameters} (those with one). */
  public static double globalNorm(Collection<NDArray> parameters) {
    double sumSquares = 0;
    for (NDArray p : parameters) {
      if (!p.hasGradient()) {
        continue;
      }
      try (NDManager scope = p.getManager().newSubManager()) {
        NDArray g = p.getGradient();
        scope.attachAll(g);
        sumSquares += g.toType(DataType.FLOAT64, false).square().sum().getDouble();
      }
    }
    return Math.sqrt(sumSquares);
  }

  /** The factor clipping applies to gradients of global norm {@code norm}: min(1, max_norm / (norm + 1e-6)). */
  public static double coefficient(double norm, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max_grad_norm must be > 0, got " + maxNorm);
    }
    return Math.min(1.0, maxNorm / (norm + 1e-6));
  }
}
