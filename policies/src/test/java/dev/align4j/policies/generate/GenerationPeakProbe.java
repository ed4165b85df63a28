package dev.align4j.policies.generate;

import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.llama.RopeScaling;
import dev.align4j.policies.testing.PeakMemory;
import java.util.List;
import java.util.OptionalInt;

/**
 * Run in a fresh JVM by {@link GenerationMemoryTest}: greedy generation of N new tokens for one 3-token prompt on
 * a random model (vocab 4096, hidden 128, 2 layers, 4/2 heads, head_dim 32), printing {@code peak_kb_N=} (peak
 * resident growth during the call, after a warm-up call) and {@code kv_kb_N=} (the KV cache at the end: layers ×
 * k,v × kv_heads × head_dim × (3 + N) positions × 4 bytes).
 *
 * <p>Arguments: {@code N...}.
 */
public final class GenerationPeakProbe {
  private GenerationPeakProbe() {}

  public static void main(String[] args) {
    LlamaConfig config = new LlamaConfig(4096, 128, 256, 2, 4, 2, 32, 1e-5, 10000.0, new RopeScaling.None(), 8192,
        false, OptionalInt.of(1), List.of(2));
    try (LlamaModel model = LlamaModel.randomInit(config, 3L, LoadOptions.cpu())) {
      List<int[]> prompt = List.of(new int[] {1, 17, 42});
      Generator.generate(model, prompt, GenerationConfig.greedy(500));
      for (String arg : args) {
        int n = Integer.parseInt(arg);
        long kb = PeakMemory.peakGrowthKb(() -> Generator.generate(model, prompt, GenerationConfig.greedy(n)));
        long kvBytes = (long) config.numHiddenLayers() * 2 * config.numKeyValueHeads() * config.headDim() * (3L + n)
            * 4;
        System.out.println("peak_kb_" + n + "=" + kb);
        System.out.println("kv_kb_" + n + "=" + kvBytes / 1024);
      }
    }
  }
}
