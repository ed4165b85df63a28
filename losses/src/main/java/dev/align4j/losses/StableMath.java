package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Numerically stable building blocks. {@code log σ(x)} is computed as {@code −softplus(−x)} with the engine's
 * native softplus (PyTorch's switches to the identity above 20), never as {@code log(1/(1+e^{−x}))}, so losses and
 * gradients stay finite for |x| in the tens of thousands. Public for loss authors: use these, and
 * {@link dev.align4j.core.Scalars} for array-by-number arithmetic, in your own {@link PreferenceLoss}.
 */
public final class StableMath {
  private StableMath() {}

  /** softplus(x) = log(1 + e^x). */
  public static NDArray softplus(NDArray x) {
    return Activation.softPlus(x);
  }

  /** log σ(x) = −softplus(−x). */
  public static NDArray logSigmoid(NDArray x) {
    return softplus(x.neg()).neg();
  }

  /** σ(x) = 1 / (1 + e^{−x}). */
  public static NDArray sigmoid(NDArray x) {
    return Activation.sigmoid(x);
  }

  /**
   * The label-smoothed logistic loss {@code −(1−ε)·log σ(z) − ε·log σ(−z) = (1−ε)·softplus(−z) + ε·softplus(z)},
   * i.e. binary cross-entropy of σ(z) against the soft label 1−ε (conservative DPO). Valid for any ε in [0, 1].
   */
  public static NDArray smoothedLogistic(NDArray z, double labelSmoothing) {
    NDArray loss = softplus(z.neg());
    if (labelSmoothing == 0) {
      return loss;
    }
    return Scalars.mul(loss, 1 - labelSmoothing).add(Scalars.mul(softplus(z), labelSmoothing));
  }
}
