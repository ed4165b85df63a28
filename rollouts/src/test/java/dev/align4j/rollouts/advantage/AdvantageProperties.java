package dev.align4j.rollouts.advantage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Properties the advantage math must satisfy, checked in float64 against plain-Java computations. */
class AdvantageProperties {

  /** Integer-valued rewards in [0, 10], 3 groups of 2..8: any non-uniform group has std >= 0.3. */
  @Provide
  Arbitrary<double[][]> groups() {
    return Arbitraries.integers().between(2, 8).flatMap(g ->
        Arbitraries.integers().between(0, 10).map(Integer::doubleValue)
            .array(double[].class).ofSize(g).array(double[][].class).ofSize(3));
  }

  private static double[][] estimate(AdvantageEstimator estimator, double[][] rewards) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray out = estimator.estimate(m.create(rewards));
      double[] flat = out.toDoubleArray();
      int g = rewards[0].length;
      double[][] result = new double[rewards.length][g];
      for (int i = 0; i < rewards.length; i++) {
        System.arraycopy(flat, i * g, result[i], 0, g);
      }
      return result;
    }
  }

  private static double[][] affine(double[][] r, double scale, double shift) {
    double[][] out = new double[r.length][];
    for (int i = 0; i < r.length; i++) {
      out[i] = r[i].clone();
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = out[i][j] * scale + shift;
      }
    }
    return out;
  }

  @Property(tries = 60)
  void grpoAdvantagesHaveZeroMeanPerGroup(@ForAll("groups") double[][] rewards) {
    for (double[] row : estimate(GrpoAdvantage.standard(), rewards)) {
      assertEquals(0.0, java.util.Arrays.stream(row).sum() / row.length, 1e-9);
    }
  }

  @Property(tries = 60)
  void grpoIsInvariantToShiftAndPositiveScale(
      @ForAll("groups") double[][] rewards,
      @ForAll @DoubleRange(min = 0.5, max = 50) double scale,
      @ForAll @DoubleRange(min = -100, max = 100) double shift) {
    double[][] base = estimate(GrpoAdvantage.standard(), rewards);
    double[][] moved = estimate(GrpoAdvantage.standard(), affine(rewards, scale, shift));
    for (int i = 0; i < base.length; i++) {
      for (int j = 0; j < base[i].length; j++) {
        // epsilon 1e-6 in the denominator breaks exact scale invariance by at most ~1e-5 here
        assertEquals(base[i][j], moved[i][j], 1e-4, "group " + i + " sample " + j);
      }
    }
  }

  @Property(tries = 30)
  void uniformGroupsGetExactlyZero(
      @ForAll @DoubleRange(min = -1e3, max = 1e3) double value, @ForAll @IntRange(min = 2, max = 9) int g) {
    double[][] rewards = {new double[g], new double[g]};
    java.util.Arrays.fill(rewards[0], value);
    java.util.Arrays.fill(rewards[1], value / 3); // a non-round value: mean(r) != r in floating point
    for (AdvantageEstimator e :
        List.of(GrpoAdvantage.standard(), new DrGrpoAdvantage(), new RlooAdvantage())) {
      for (double[] row : estimate(e, rewards)) {
        for (double a : row) {
          assertEquals(0.0, a, 0.0, e + " on a uniform group");
        }
      }
    }
  }

  @Property(tries = 60)
  void rlooBaselineExcludesTheSampleItself(@ForAll("groups") double[][] rewards) {
    double[][] adv = estimate(new RlooAdvantage(), rewards);
    for (int i = 0; i < rewards.length; i++) {
      int g = rewards[i].length;
      for (int j = 0; j < g; j++) {
        double others = 0;
        for (int k = 0; k < g; k++) {
          if (k != j) {
            others += rewards[i][k];
          }
        }
        assertEquals(rewards[i][j] - others / (g - 1), adv[i][j], 1e-9);
      }
    }
  }

  @Property(tries = 40)
  void drGrpoIsGrpoTimesTheGroupStd(@ForAll("groups") double[][] rewards) {
    double[][] dr = estimate(new DrGrpoAdvantage(), rewards);
    double[][] grpo = estimate(GrpoAdvantage.standard(), rewards);
    for (int i = 0; i < rewards.length; i++) {
      int g = rewards[i].length;
      double mean = java.util.Arrays.stream(rewards[i]).average().orElseThrow();
      double ss = 0;
      for (double r : rewards[i]) {
        ss += (r - mean) * (r - mean);
      }
      double std = Math.sqrt(ss / (g - 1));
      for (int j = 0; j < g; j++) {
        assertEquals(rewards[i][j] - mean, dr[i][j], 1e-9);
        assertEquals(grpo[i][j] * (std + GrpoAdvantage.DEFAULT_EPSILON), dr[i][j], 1e-9);
      }
    }
  }

  @Example
  void grpoGoldenUsesTheUnbiasedStd() {
    // by hand, as torch.std (Bessel) gives it: rewards 1,0,0,1 -> mean 0.5, std sqrt(4 * 0.25 / 3) = 0.577350,
    // advantages ±0.5 / (0.577350 + 1e-6) = ±0.866024
    double[][] adv = estimate(GrpoAdvantage.standard(), new double[][] {{1, 0, 0, 1}});
    assertEquals(0.5 / (Math.sqrt(1.0 / 3) + 1e-6), adv[0][0], 1e-12);
    assertEquals(0.866024, adv[0][0], 1e-6);
    assertEquals(-0.866024, adv[0][1], 1e-6);
  }

  @Example
  void reinforceSubtractsTheBatchMean() {
    double[][] adv = estimate(new ReinforceAdvantage(), new double[][] {{1, 1}, {0, 2}});
    assertEquals(0.0, adv[0][0], 1e-12);
    assertEquals(-1.0, adv[1][0], 1e-12);
    assertEquals(1.0, adv[1][1], 1e-12);
  }

  @Example
  void groupOfOneIsRejectedByGrpoAndRloo() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray r = m.zeros(new Shape(3, 1));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new RlooAdvantage().estimate(r));
      assertTrue(e.getMessage().contains("group size"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> GrpoAdvantage.standard().estimate(r));
    }
  }

  @Example
  void configsRoundTripThroughJsonAndValidate() throws Exception {
    ObjectMapper json =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    assertEquals(
        new GrpoAdvantage(1e-4),
        json.readValue("{\"type\":\"grpo\",\"epsilon\":1e-4}", AdvantageEstimator.class));
    assertEquals(new RlooAdvantage(), json.readValue("{\"type\":\"rloo\"}", AdvantageEstimator.class));
    for (AdvantageEstimator e : List.of(GrpoAdvantage.standard(), new DrGrpoAdvantage(), new RlooAdvantage(),
        new ReinforceAdvantage(), ReinforcePlusPlusAdvantage.standard(), new GrpoBatchStdAdvantage(1e-4))) {
      assertEquals(e, json.readValue(json.writeValueAsString(e), AdvantageEstimator.class));
    }
    assertEquals(List.of("dr_grpo", "grpo", "grpo_batch_std", "reinforce", "reinforce_pp", "rloo"),
        AdvantageType.REGISTRY.names());
    Exception unknown =
        assertThrows(Exception.class, () -> json.readValue("{\"type\":\"ppo\"}", AdvantageEstimator.class));
    assertTrue(String.valueOf(unknown.getMessage()).contains("unknown advantage estimator 'ppo'"),
        unknown.getMessage());
    Exception e =
        assertThrows(Exception.class, () -> json.readValue("{\"type\":\"grpo\"}", AdvantageEstimator.class));
    assertTrue(String.valueOf(e.getMessage()).contains("epsilon"), e.getMessage());
  }
}
