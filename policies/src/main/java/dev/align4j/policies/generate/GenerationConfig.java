package dev.align4j.policies.generate;

/**
 * How to sample continuations, as Hugging Face's logits warpers in their order: {@code temperature = 0} is greedy
 * (argmax); otherwise the logits are divided by {@code temperature}, only the {@code topK} most probable tokens
 * are kept ({@code topK = 0} keeps all), then only the nucleus of those: the most probable tokens whose cumulative
 * probability first reaches {@code topP} (arXiv:1904.09751; {@code topP = 1} keeps all), and the next token is
 * drawn from the renormalised probabilities. Sampling is seeded: prompt i of a call uses its own generator seeded
 * from {@code (seed, i)}, so a call is reproducible. With {@code stopAtEos}, a sequence stops after emitting one of
 * the model's EOS ids (which is kept).
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, int topK, long seed,
    boolean stopAtEos) {
  public GenerationConfig {
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
    }
    if (!(temperature >= 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0 (0 keeps every token), got " + topK);
    }
  }

  /** Without top-k truncation ({@code topK = 0}). */
  public GenerationConfig(int maxNewTokens, double temperature, double topP, long seed, boolean stopAtEos) {
    this(maxNewTokens, temperature, topP, 0, seed, stopAtEos);
  }

  /** Greedy decoding of {@code maxNewTokens} tokens without stopping at EOS. */
  public static GenerationConfig greedy(int maxNewTokens) {
    return new GenerationConfig(maxNewTokens, 0.0, 1.0, 0, 0L, false);
  }

  /** Whether decoding is greedy. */
  public boolean isGreedy() {
    return temperature == 0.0;
  }

  /** A copy with a different token budget. */
  public GenerationConfig withMaxNewTokens(int n) {
    return new GenerationConfig(n, temperature, topP, topK, seed, stopAtEos);
  }

  /** A copy that stops (or not) at EOS. */
  public GenerationConfig withStopAtEos(boolean stop) {
    return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stop);
  }

  /** A copy keeping only the {@code k} most probable tokens (0: all). */
  public GenerationConfig withTopK(int k) {
    return new GenerationConfig(maxNewTokens, temperature, topP, k, seed, stopAtEos);
  }
}
