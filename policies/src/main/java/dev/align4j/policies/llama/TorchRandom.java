package dev.align4j.policies.llama;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Torch's global generator, seeded per decoder layer in training forward passes so that a layer recomputed in the
 * backward pass (gradient checkpointing) draws the same dropout masks (e.g. LoRA dropout) as in the forward pass.
 * Seeds are drawn from the generator itself, so a seeded run stays reproducible.
 */
final class TorchRandom {
  private TorchRandom() {}

  /** {@code n} seeds in [0, 2^31) drawn from torch's generator (on {@code manager}'s device). */
  static long[] draw(NDManager manager, int n) {
    try (NDManager tmp = manager.newSubManager()) {
      return tmp.randomInteger(0L, Integer.MAX_VALUE, new Shape(n), DataType.INT64).toLongArray();
    }
  }

  /** {@code torch.manual_seed(seed)}. */
  static void seed(long seed) {
    JniUtils.setSeed(seed);
  }
}
