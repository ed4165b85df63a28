package dev.align4j.core;

import ai.djl.ndarray.NDArray;

/**
 * Array-by-number arithmetic that is safe under autograd; use it instead of {@code NDArray.mul(Number)},
 * {@code div(Number)} and {@code pow(Number)} wherever the array may carry gradients.
 *
 * <p>Why: DJL's PyTorch engine turns the number into a 0-d tensor over a Java direct buffer (torch
 * {@code from_blob}) and closes that array as soon as the op returns. Torch's autograd keeps the 0-d tensor for
 * the backward pass ({@code d(x·c)/dx = c}, {@code d(x/c)/dx = 1/c}, {@code d(x^c)/dx = c·x^(c−1)}), but once the
 * Java array is closed the buffer is garbage: when a GC and its cleaner run between forward and backward, the
 * backward reads freed (and possibly reused) memory. Gradients then depend on GC timing; the loss does not.
 *
 * <p>Here the number becomes the same 0-d array ({@code NDManager.create(Number)}, so the arithmetic and dtype
 * promotion are unchanged), copied at once into memory torch owns: what autograd saves then stays valid however
 * early the Java handle is closed. The handle is attached to the operand's manager; that manager may be a scope
 * closed long before the backward pass (the model frees each layer's temporaries with the layer).
 * {@code add}/{@code sub} by a number need no such care (torch saves nothing of the other operand for them).
 */
public final class Scalars {
  private Scalars() {}

  /** {@code c} as a 0-d array in torch-owned memory, attached to {@code like}'s manager (on its device). */
  public static NDArray of(NDArray like, Number c) {
    try (NDArray overJavaBuffer = like.getManager().create(c)) {
      return overJavaBuffer.duplicate().toDevice(like.getDevice(), false); // duplicate: torch clone, own storage
    }
  }

  /**
   * {@code value} as a Java number of {@code like}'s precision (a {@code Double} for float64 arrays, else a
   * {@code Float}), so that arithmetic with it keeps float32 math in float32 instead of promoting to float64.
   */
  public static Number sameType(NDArray like, double value) {
    return like.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64 ? (Number) value : (Number) (float) value;
  }

  /** {@code x · c}. */
  public static NDArray mul(NDArray x, Number c) {
    return x.mul(of(x, c));
  }

  /** {@code x / c}. */
  public static NDArray div(NDArray x, Number c) {
    return x.div(of(x, c));
  }

  /** {@code x ^ c}. */
  public static NDArray pow(NDArray x, Number c) {
    return x.pow(of(x, c));
  }
}
