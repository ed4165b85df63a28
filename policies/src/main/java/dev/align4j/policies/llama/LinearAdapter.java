package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;

/**
 * An additive change to a {@link Linear} layer's output: {@code y = x W^T + delta(x)} (e.g. LoRA,
 * {@code delta(x) = (alpha / r) · dropout(x) A^T B^T}). {@code delta} must return an array attached to
 * {@code x}'s manager (compute it with {@code x} as the first operand) so that per-step scopes free it.
 */
public interface LinearAdapter {
  /** The change to the layer output for input {@code x} of shape [..., in]; shape [..., out]. */
  NDArray delta(NDArray x);

  /**
   * Whether the adapter's own weights require gradients (a training forward pass must then keep a graph through
   * this projection even when no base weight trains). Defaults to true: claiming so wrongly makes a backward
   * pass fail loudly, the opposite would silently drop gradients.
   */
  default boolean requiresGradient() {
    return true;
  }
}
