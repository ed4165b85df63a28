package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few autograd controls DJL's {@code GradientCollector} does not expose, on the PyTorch engine: a backward
 * pass from a non-scalar output with a given output gradient ({@code torch.autograd.backward(y, grad)}), and
 * switching graph recording off or on for a block ({@code torch.no_grad()} / {@code torch.enable_grad()}).
 *
 * <p>Together they let a training step split one backward pass into pieces (recompute-in-backward): compute values
 * without a graph, later recompute a piece with a graph and push the known gradient of its output through it.
 * Torch accumulates into {@code .grad} across backward calls, so the pieces add up to the one-pass gradient.
 */
public final class Autograd {
  private Autograd() {}

  /**
   * {@code output.backward(gradient)}: accumulates {@code Σ gradient · ∂output/∂w} into the gradient of every leaf
   * {@code w} that requires one, then frees the graph behind {@code output}. {@code output} must have been computed
   * with recording on from something that requires a gradient (torch fails otherwise; DJL cannot tell which
   * arrays have a graph, so the caller has to know).
   *
   * @param gradient same shape as {@code output}
   */
  public static void backward(NDArray output, NDArray gradient) {
    if (!output.getShape().equals(gradient.getShape())) {
      throw new IllegalArgumentException("gradient shape " + gradient.getShape() + " does not match output shape "
          + output.getShape());
    }
    NDArray g = gradient.getDataType() == output.getDataType() ? gradient
        : gradient.toType(output.getDataType(), false);
    JniUtils.backward((PtNDArray) output, (PtNDArray) g, false, false);
  }

  /**
   * {@code torch.autograd.backward(outputs, gradients)}: the gradients of several outputs pushed back, each with
   * its own gradient. Runs one backward pass per output, keeping the graph for all but the last (a graph the
   * outputs share, such as a norm before three projections, is traversed once per output but freed only by the
   * last pass); torch accumulates into {@code .grad} across the passes. Unlike a backward pass from the scalar
   * {@code Σ_i sum(outputs[i] ∘ gradients[i])}, this allocates no output-sized temporaries.
   */
  public static void backward(NDArray[] outputs, NDArray[] gradients) {
    if (outputs.length != gradients.length || outputs.length == 0) {
      throw new IllegalArgumentException(outputs.length + " outputs but " + gradients.length + " gradients");
    }
    for (int i = 0; i < outputs.length; i++) {
      if (!outputs[i].getShape().equals(gradients[i].getShape())) {
        throw new IllegalArgumentException("gradient shape " + gradients[i].getShape()
            + " does not match output shape " + outputs[i].getShape());
      }
    }
    for (int i = 0; i < outputs.length; i++) {
      NDArray g = gradients[i].getDataType() == outputs[i].getDataType() ? gradients[i]
          : gradients[i].toType(outputs[i].getDataType(), false);
      JniUtils.backward((PtNDArray) outputs[i], (PtNDArray) g, i < outputs.length - 1, false);
      if (g != gradients[i]) {
        g.close();
      }
    }
  }

  /** Whether graphs are being recorded now (inside a {@code GradientCollector} or {@link #enableGrad()}). */
  public static boolean isRecording() {
    return JniUtils.isGradMode();
  }

  /** No graph is recorded until the returned mode is closed (which restores the previous mode). */
  public static GradMode noGrad() {
    return GradMode.set(false);
  }

  /** Graphs are recorded until the returned mode is closed (which restores the previous mode). */
  public static GradMode enableGrad() {
    return GradMode.set(true);
  }

  /** A block with graph recording switched on or off; {@link #close()} restores the mode found on entry. */
  public static final class GradMode implements AutoCloseable {
    private final boolean previous;

    private GradMode(boolean previous) {
      this.previous = previous;
    }

    private static GradMode set(boolean enabled) {
      boolean previous = JniUtils.isGradMode();
      JniUtils.setGradMode(enabled);
      return new GradMode(previous);
    }

    @Override
    public void close() {
      JniUtils.setGradMode(previous);
    }
  }
}
