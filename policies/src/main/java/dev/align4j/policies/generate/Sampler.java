package dev.align4j.policies.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Draws the next token of every row from fp32 logits [n, vocab] on the device (no vocabulary-sized array crosses
 * to the JVM, nothing is sorted or boxed in Java): temperature, top-k, top-p, then inverse-CDF sampling with one
 * uniform number per row from that row's seeded generator, so a call is reproducible whatever the device.
 *
 * <p>With candidates sorted by probability {@code p_1 ≥ p_2 ≥ ...} (top-k or top-p; all tokens in vocabulary order
 * otherwise), top-p keeps candidate j while {@code p_1 + ... + p_(j−1) < topP} (the smallest prefix reaching
 * topP), and the drawn token is the first candidate j with {@code c_j > u · c_last}, where {@code c} is the
 * cumulative kept probability and u ∈ [0, 1). Greedy decoding never gets here: the generator takes the argmax.
 */
final class Sampler {
  private final GenerationConfig config;
  private final SplittableRandom[] rows;

  /** Generators for rows 0..n−1, row i seeded from {@code (config.seed(), i)}. */
  Sampler(GenerationConfig config, int n) {
    this.config = config;
    this.rows = new SplittableRandom[n];
    for (int i = 0; i < n; i++) {
      rows[i] = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + i);
    }
  }

  /** One token per row of {@code logits} [n, vocab]; every row's generator advances by one draw. */
  long[] next(NDArray logits) {
    double[] u = new double[rows.length];
    for (int i = 0; i < u.length; i++) {
      u[i] = rows[i].nextDouble();
    }
    return sample(logits, config.temperature(), config.topK(), config.topP(), u);
  }

  /**
   * The tokens drawn from {@code logits} [n, vocab] with uniforms {@code u} (one per row, in [0, 1)); every
   * temporary lives in a scope closed before returning.
   */
  static long[] sample(NDArray logits, double temperature, int topK, double topP, double[] u) {
    long n = logits.getShape().get(0);
    long vocab = logits.getShape().get(1);
    try (NDManager scope = logits.getManager().newSubManager()) {
      NDArray x = logits.toType(DataType.FLOAT32, true); // [n, vocab]
      x.attach(scope);
      // (x − max) / T: the best token at 0, so that a tiny temperature gives −inf (probability 0), never NaN
      NDArray scaled = x.sub(x.max(new int[] {1}, true))
          .div(scope.create((float) temperature).toDevice(x.getDevice(), false)); // [n, vocab]
      NDArray ids; // [n, k]: vocabulary id of each candidate, or none when candidates are the whole vocabulary
      NDArray candidates; // [n, k]
      if (topK > 0 && topK < vocab) {
        NDList top = scaled.topK(topK, 1, true, true); // values and indices, most probable first
        candidates = top.get(0);
        ids = top.get(1);
      } else if (topP < 1) {
        ids = scaled.argSort(1, false); // [n, vocab], most probable first
        candidates = scaled.gather(ids, 1);
      } else {
        ids = null;
        candidates = scaled;
      }
      NDArray probs = candidates.softmax(1); // [n, k]
      if (topP < 1) {
        NDArray before = probs.cumSum(1).sub(probs); // [n, k]: mass of the more probable candidates
        probs = probs.mul(before.lt(topP).toType(DataType.FLOAT32, false));
      }
      NDArray cum = probs.cumSum(1); // [n, k]
      long k = cum.getShape().get(1);
      NDArray total = cum.get(":, {}:", k - 1); // [n, 1]
      NDArray threshold = total.mul(scope.create(u).toType(DataType.FLOAT32, false).toDevice(x.getDevice(), false)
          .reshape(n, 1)); // [n, 1]
      // index of the first candidate whose cumulative mass exceeds the threshold (it has probability > 0)
      NDArray pick = cum.lte(threshold).toType(DataType.INT64, false).sum(new int[] {1}, true)
          .minimum(k - 1); // [n, 1]
      NDArray token = ids == null ? pick : ids.gather(pick, 1); // [n, 1]
      return token.reshape(n).toLongArray();
    }
  }
}
