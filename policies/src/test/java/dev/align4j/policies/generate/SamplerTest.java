package dev.align4j.policies.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The device sampler against the distribution it should draw from, computed here in plain Java the way Hugging
 * Face's warpers define it (TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper: sort descending, keep
 * the smallest prefix whose mass reaches top_p, always at least one token): 40000 draws from one row of 7 logits,
 * a chi-square goodness-of-fit test on the kept tokens, and no draw at all of a removed token.
 */
class SamplerTest {
  static final float[] LOGITS = {1.0f, 2.5f, -0.5f, 2.0f, 0.0f, 3.0f, 1.5f};
  static final int DRAWS = 40_000;

  /** HF's distribution after temperature, top-k (0 = off) and top-p, in vocabulary order. */
  static double[] expected(double temperature, int topK, double topP) {
    int v = LOGITS.length;
    double max = Double.NEGATIVE_INFINITY;
    for (float l : LOGITS) {
      max = Math.max(max, l);
    }
    double[] p = new double[v];
    Integer[] order = new Integer[v];
    for (int i = 0; i < v; i++) {
      p[i] = Math.exp((LOGITS[i] - max) / temperature);
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    boolean[] keep = new boolean[v];
    int k = topK == 0 ? v : Math.min(topK, v);
    double mass = 0;
    for (int j = 0; j < k; j++) {
      mass += p[order[j]];
    }
    double before = 0;
    for (int j = 0; j < k; j++) {
      double q = p[order[j]] / mass;
      keep[order[j]] = before < topP;
      before += q;
    }
    double kept = 0;
    for (int i = 0; i < v; i++) {
      kept += keep[i] ? p[i] : 0;
    }
    double[] out = new double[v];
    for (int i = 0; i < v; i++) {
      out[i] = keep[i] ? p[i] / kept : 0;
    }
    return out;
  }

  /** Upper 0.1% point of chi-square with df degrees of freedom (df 1..6). */
  static final double[] CHI2_999 = {Double.NaN, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46};

  @ParameterizedTest
  @CsvSource({"1.0, 0, 1.0", "0.7, 0, 1.0", "1.3, 3, 1.0", "1.0, 0, 0.8", "1.0, 4, 0.7", "2.0, 5, 0.95"})
  void drawsFollowTheWarpedDistribution(double temperature, int topK, double topP) {
    double[] want = expected(temperature, topK, topP);
    long[] counts = new long[LOGITS.length];
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      float[] rows = new float[DRAWS * LOGITS.length];
      for (int r = 0; r < DRAWS; r++) {
        System.arraycopy(LOGITS, 0, rows, r * LOGITS.length, LOGITS.length);
      }
      NDArray logits = m.create(rows, new Shape(DRAWS, LOGITS.length));
      SplittableRandom rng = new SplittableRandom(17);
      double[] u = new double[DRAWS];
      for (int r = 0; r < DRAWS; r++) {
        u[r] = rng.nextDouble();
      }
      for (long id : Sampler.sample(logits, temperature, topK, topP, u)) {
        counts[(int) id]++;
      }
    }
    double chi2 = 0;
    int kept = 0;
    for (int i = 0; i < LOGITS.length; i++) {
      if (want[i] == 0) {
        assertEquals(0, counts[i], "token " + i + " is outside top-k/top-p and must never be drawn");
      } else {
        kept++;
        double e = want[i] * DRAWS;
        chi2 += (counts[i] - e) * (counts[i] - e) / e;
      }
    }
    assertTrue(kept >= 2, "the case should keep several tokens");
    assertTrue(chi2 < CHI2_999[kept - 1], "chi-square " + chi2 + " with " + (kept - 1) + " degrees of freedom; counts "
        + Arrays.toString(counts) + " expected " + Arrays.toString(want));
  }

  @ParameterizedTest
  @CsvSource({"1.0, 1, 1.0", "1.0, 0, 1e-9", "1e-30, 0, 1.0"})
  void degenerateSettingsPickTheArgmax(double temperature, int topK, double topP) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray logits = m.create(new float[] {0.1f, 2f, -1f, 1.9f, 5f, 4.99f, 0f, 0f}, new Shape(2, 4));
      long[] ids = Sampler.sample(logits, temperature, topK, topP, new double[] {0.999, 0.5});
      assertArrayEquals(new long[] {1, 0}, ids);
    }
  }
}
