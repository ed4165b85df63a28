package dev.align4j.policies.llama;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A rough upper estimate of the working memory (activations, logits, KV cache; weights not included) of running a
 * {@link LlamaConfig} model, so that callers can refuse a request from its sizes before allocating anything. The
 * terms, in elements (multiplied by the bytes per element), for a batch of {@code B} sequences of {@code T}
 * positions, {@code L} layers, {@code H} query heads, {@code K} key/value heads, head size {@code D}, hidden size
 * {@code E}, MLP size {@code I}, vocabulary {@code V}:
 *
 * <pre>
 *   attention scores (one layer, scores + softmax + mask)   3 · B · H · T · T
 *   logits (logits + log-softmax)                           2 · B · T · V
 *   one layer's activations (q/k/v/o, MLP)                  B · T · (4E + 3I)
 *   training: every layer's activations and scores kept    × L, and ×2 again for the backward pass
 *   generation: KV cache of P prompt + N new positions      2 · L · B · K · D · (P + N); per step B · H · (P + N)
 * </pre>
 *
 * Estimates are compared with the machine's physical memory ({@link #available()}) or a device's
 * ({@link #deviceBytes}); the weights themselves are {@link #parameterCount} × bytes. Only requests that cannot fit
 * anywhere on the machine are refused: these are bounds for absurd sizes, not a scheduler.
 *
 * @param bytes the estimated peak working memory in bytes (saturating at {@code Long.MAX_VALUE})
 * @param what a short description of the work, for messages
 */
public record MemoryEstimate(long bytes, String what) {

  /** A forward pass over {@code batch} sequences of {@code tokens} positions (with {@code training}: kept for backward). */
  public static MemoryEstimate forward(LlamaConfig c, long batch, long tokens, boolean training, int bytesPerElement) {
    double b = batch;
    double t = tokens;
    double scores = 3 * b * c.numAttentionHeads() * t * t;
    double logits = 2 * b * t * c.vocabSize();
    double layer = b * t * (4.0 * c.hiddenSize() + 3.0 * c.intermediateSize());
    double elements = training ? 2 * (c.numHiddenLayers() * (scores + layer) + logits) : scores + layer + logits;
    return new MemoryEstimate(saturate(elements * bytesPerElement), (training ? "training on " : "scoring ")
        + batch + " × " + tokens + " tokens");
  }

  /** Generating {@code newTokens} positions after prompts of up to {@code promptTokens}, {@code batch} at a time. */
  public static MemoryEstimate generation(LlamaConfig c, long batch, long promptTokens, long newTokens,
      int bytesPerElement) {
    double b = batch;
    double total = (double) promptTokens + newTokens;
    double cache = 2.0 * c.numHiddenLayers() * b * c.numKeyValueHeads() * c.headDim() * total;
    double prefill = forward(c, batch, promptTokens, false, 1).bytes();
    double step = b * c.numAttentionHeads() * total * 3 + 2 * b * c.vocabSize();
    return new MemoryEstimate(saturate((cache + Math.max(prefill, step)) * bytesPerElement),
        "generating " + newTokens + " tokens for " + batch + " prompts of up to " + promptTokens + " tokens");
  }

  /** The machine's physical memory in bytes (the JVM's max heap if the platform does not say). */
  public static long available() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      long total = os.getTotalMemorySize();
      if (total > 0) {
        return total;
      }
    }
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * Number of weights the config implies, as a double so that absurd configs do not overflow:
   * {@code V·E·(tied ? 1 : 2) + L·(2E + E·(q + 2kv) + q·E + 3·E·I) + E} with {@code q = H·D}, {@code kv = K·D}.
   */
  public static double parameterCount(LlamaConfig c) {
    double h = c.hiddenSize();
    double q = (double) c.numAttentionHeads() * c.headDim();
    double kv = (double) c.numKeyValueHeads() * c.headDim();
    double perLayer = 2 * h + h * (q + 2 * kv) + q * h + 3 * h * c.intermediateSize();
    return (double) c.vocabSize() * h * (c.tieWordEmbeddings() ? 1 : 2) + c.numHiddenLayers() * perLayer + h;
  }

  /** Memory of {@code device} in bytes: the GPU's memory, or {@link #available()} for the CPU. */
  public static long deviceBytes(Device device) {
    return device.isGpu() ? CudaUtils.getGpuMemory(device).getMax() : available();
  }

  /** "on this machine" or "on GPU n", for messages. */
  public static String where(Device device) {
    return device.isGpu() ? "on GPU " + device.getDeviceId() : "on this machine";
  }

  /** Whether the estimate fits in {@code deviceBytes}. */
  public boolean fits(long deviceBytes) {
    return bytes <= deviceBytes;
  }

  /** Whether the estimate fits in {@link #available()}. */
  public boolean fits() {
    return bytes <= available();
  }

  /** {@code "generating ... needs about 12.3 GiB, more than this machine's 23.0 GiB"}-style text. */
  public String describe() {
    return String.format(Locale.ROOT, "%s needs about %s of working memory, more than this machine's %s", what,
        gib(bytes), gib(available()));
  }

  /** {@code bytes} in GiB with one decimal, for messages. */
  public static String gib(long bytes) {
    return bytes == Long.MAX_VALUE ? "more than 8 EiB" : String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
  }

  private static long saturate(double v) {
    return v >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(v);
  }
}
