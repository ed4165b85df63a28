package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * One training forward pass of a {@link LlamaModel} ({@link LlamaModel#trainingForward}): the final-normed hidden
 * states, and the way back. The caller computes whatever it needs from {@link #hidden()} (with recording on, so
 * that the result carries a graph back to the hidden states), works out the gradient of its loss with respect to
 * that result, and calls {@link #backward} once with both; the gradients of every weight that requires one are
 * then accumulated, exactly as one autograd backward pass through the whole model would.
 *
 * <p>With gradient checkpointing the decoder layers kept no graph in the forward pass, only their inputs;
 * {@link #backward} recomputes each layer from its stored input, last layer first, and pushes the gradient
 * through it before moving to the layer below, so at most one layer's activations are alive at a time.
 */
public final class ForwardPass {
  /** What {@link #backward} runs. */
  @FunctionalInterface
  interface Backward {
    void run(NDArray output, NDArray gradient);
  }

  private final NDArray hidden;
  private final Backward backward;
  private boolean used;

  ForwardPass(NDArray hidden, Backward backward) {
    this.hidden = Objects.requireNonNull(hidden, "hidden");
    this.backward = Objects.requireNonNull(backward, "backward");
  }

  /** Final-normed hidden states [B, T, hidden] (attached to the manager of the tokens passed in). */
  public NDArray hidden() {
    return hidden;
  }

  /**
   * Accumulates {@code Σ gradient · ∂output/∂w} into the gradient of every weight {@code w} that requires one.
   *
   * @param output an array computed from {@link #hidden()} with recording on
   * @param gradient the loss's gradient with respect to {@code output}, same shape
   * @throws IllegalStateException when called a second time (the graph is freed by the first call)
   */
  public void backward(NDArray output, NDArray gradient) {
    if (used) {
      throw new IllegalStateException("backward was already run for this forward pass");
    }
    used = true;
    try (Autograd.GradMode on = Autograd.enableGrad()) {
      backward.run(output, gradient);
    }
  }
}
