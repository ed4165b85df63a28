package dev.align4j.policies.llama;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Size estimates checked before anything is allocated, so that an absurd config or budget fails at once with a
 * message instead of allocating for minutes and dying of an out-of-memory error. The estimates are lower bounds
 * of what the work needs (weights, KV cache, the largest activations); the limit is the device's whole memory
 * (physical RAM, or the GPU's memory), so only requests that cannot fit anywhere on this machine are refused.
 */
public final class MemoryBudget {
  private MemoryBudget() {}

  /** Memory of {@code device} in bytes: physical RAM (the container's limit when there is one) or GPU memory. */
  public static long deviceBytes(Device device) {
    if (device.isGpu()) {
      return CudaUtils.getGpuMemory(device).getMax();
    }
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
  }

  /** Bytes per element of a compute type. */
  public static int bytes(DataType type) {
    return type.getNumOfBytes();
  }

  /**
   * Number of weights the config implies, as a double so that absurd configs do not overflow:
   * {@code V·H·(tied ? 1 : 2) + L·(2H + H·(q + 2kv) + q·H + 3·H·I) + H} with {@code q = heads·head_dim},
   * {@code kv = kv_heads·head_dim}.
   */
  public static double parameterCount(LlamaConfig c) {
    double h = c.hiddenSize();
    double q = (double) c.numAttentionHeads() * c.headDim();
    double kv = (double) c.numKeyValueHeads() * c.headDim();
    double perLayer = 2 * h + h * (q + 2 * kv) + q * h + 3 * h * c.intermediateSize();
    return (double) c.vocabSize() * h * (c.tieWordEmbeddings() ? 1 : 2) + c.numHiddenLayers() * perLayer + h;
  }

  /**
   * Bytes a batched generation needs at least: the KV cache of {@code rows} sequences over
   * {@code promptLength + newTokens} positions (plus one layer's copy while it grows), the prefill's attention
   * scores and probabilities in fp32 {@code [rows, heads, P, P]} and its widest activation
   * {@code [rows, P, max(hidden, intermediate, q)]}, and the sampler's fp32 {@code [rows, vocab]} arrays.
   */
  public static double generationBytes(LlamaConfig c, DataType compute, long rows, long promptLength,
      long newTokens) {
    double positions = (double) promptLength + newTokens;
    double perPosition = 2.0 * c.numKeyValueHeads() * c.headDim() * bytes(compute); // k and v of one layer
    double cache = rows * positions * perPosition * (c.numHiddenLayers() + 1);
    double attention = 3.0 * rows * c.numAttentionHeads() * (double) promptLength * promptLength * 4;
    double widest = Math.max(c.hiddenSize(), Math.max(c.intermediateSize(),
        (double) c.numAttentionHeads() * c.headDim()));
    double activations = 4.0 * rows * promptLength * widest * bytes(compute);
    double sampler = 4.0 * rows * c.vocabSize() * 4;
    return cache + attention + activations + sampler;
  }

  /** "on this machine" or "on GPU n", for messages. */
  public static String where(Device device) {
    return device.isGpu() ? "on GPU " + device.getDeviceId() : "on this machine";
  }

  /** {@code bytes} in GiB with two decimals, for messages. */
  public static String gib(double bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1L << 30));
  }
}
