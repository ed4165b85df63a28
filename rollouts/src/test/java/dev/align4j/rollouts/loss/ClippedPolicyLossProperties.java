package dev.align4j.rollouts.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

/** The clipped surrogate's gradient, ratio and KL estimators against the math they implement. */
class ClippedPolicyLossProperties {
  private static final PolicyLossConfig DAPO = PolicyLossConfig.dapo(); // ε_low 0.2, ε_high 0.28

  /** d loss / d logp of a single token whose ratio to the old policy is {@code ratio}, advantage {@code adv}. */
  private static double gradient(double ratio, double adv, PolicyLossConfig config) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logp = m.create(new double[][] {{-1.3}});
      logp.setRequiresGradient(true);
      NDArray old = m.create(new double[][] {{-1.3 - Math.log(ratio)}});
      PolicyLossInput in =
          new PolicyLossInput(logp, old, Optional.empty(), m.ones(logp.getShape()), m.create(new double[] {adv}));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(new ClippedPolicyLoss(config).compute(in).loss());
      }
      return logp.getGradient().getDouble(0, 0);
    }
  }

  @Property(tries = 40)
  void positiveAdvantageAboveUpperClipHasZeroGradient(
      @ForAll @DoubleRange(min = 1.29, max = 5) double ratio, @ForAll @DoubleRange(min = 0.01, max = 10) double adv) {
    assertEquals(0.0, gradient(ratio, adv, DAPO), 0.0);
  }

  @Property(tries = 40)
  void negativeAdvantageBelowLowerClipHasZeroGradient(
      @ForAll @DoubleRange(min = 0.05, max = 0.79) double ratio,
      @ForAll @DoubleRange(min = -10, max = -0.01) double adv) {
    assertEquals(0.0, gradient(ratio, adv, DAPO), 0.0);
  }

  @Property(tries = 40)
  void insideTheClipRangeTheGradientIsMinusRatioTimesAdvantage(
      @ForAll @DoubleRange(min = 0.81, max = 1.27) double ratio,
      @ForAll @DoubleRange(min = -10, max = 10) double adv) {
    // one token, token mean: loss = -r * A with r = exp(logp - old), so d loss / d logp = -r * A
    assertEquals(-ratio * adv, gradient(ratio, adv, DAPO), 1e-9 * Math.max(1, Math.abs(adv)));
  }

  @Property(tries = 30)
  void theOtherSideOfTheClipStillPassesGradient(
      @ForAll @DoubleRange(min = 1.29, max = 5) double ratio, @ForAll @DoubleRange(min = 0.01, max = 10) double adv) {
    // A < 0 with a large ratio: the unclipped term is the smaller one, gradient -r * A stays (PPO's pessimism)
    assertEquals(ratio * adv, gradient(ratio, -adv, DAPO), 1e-9 * Math.max(1, ratio * adv));
    // A > 0 with a small ratio likewise
    assertEquals(-adv / ratio, gradient(1 / ratio, adv, DAPO), 1e-9 * Math.max(1, adv));
  }

  @Property(tries = 30)
  void dualClipCapsTheLossOfNegativeAdvantagesBeyondC(
      @ForAll @DoubleRange(min = 3.01, max = 20) double ratio,
      @ForAll @DoubleRange(min = -10, max = -0.01) double adv) {
    PolicyLossConfig dual = new PolicyLossConfig(
        new GlobalTokenMeanLoss(), 0.2, 0.28, 3.0, 0, KlEstimator.K3, KlPlacement.LOSS, 0);
    // verl's dual clip: for A < 0 the loss -A·r is capped at -A·c, so beyond r = c there is no gradient
    assertEquals(0.0, gradient(ratio, adv, dual), 0.0);
    // without it, the unclipped side passes -r·A
    assertEquals(-ratio * adv, gradient(ratio, adv, DAPO), 1e-9 * ratio * Math.abs(adv));
    // below c dual clip changes nothing
    assertEquals(gradient(2.5, adv, DAPO), gradient(2.5, adv, dual), 0.0);
  }

  @Example
  void ratioIsExactlyOneOnTheFirstOnPolicyStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      Random random = new Random(7);
      float[][] lp = new float[4][6];
      for (float[] row : lp) {
        for (int t = 0; t < row.length; t++) {
          row[t] = (float) -(random.nextDouble() * 8);
        }
      }
      NDArray logp = m.create(lp);
      NDArray mask = m.ones(logp.getShape());
      NDArray adv = m.create(new float[] {1f, -1f, 0.5f, -2f});
      PolicyLossOutput out =
          new ClippedPolicyLoss(PolicyLossConfig.grpo())
              .compute(new PolicyLossInput(logp, logp.duplicate(), Optional.of(logp.duplicate()), mask, adv));
      assertEquals(1.0, out.metrics().ratioMean(), 0.0);
      assertEquals(0.0, out.metrics().clipHigh(), 0.0);
      assertEquals(0.0, out.metrics().clipLow(), 0.0);
      assertEquals(0.0, out.metrics().klMean(), 0.0);
      assertEquals(0.0, out.metrics().ppoKl(), 0.0);
      // the loss is then -mean(A) under sequence-mean aggregation: -(1 - 1 + 0.5 - 2) / 4
      assertEquals(0.375, out.loss().getFloat(), 1e-7);
    }
  }

  @Property(tries = 100)
  void k3IsNeverNegative(
      @ForAll @DoubleRange(min = -30, max = 0) double logp, @ForAll @DoubleRange(min = -30, max = 0) double ref) {
    try (NDManager m = NDManager.newBaseManager()) {
      double k3 = KlEstimator.K3.perToken(m.create(new double[] {logp}), m.create(new double[] {ref})).getDouble(0);
      assertTrue(k3 >= 0, "k3 = " + k3);
    }
  }

  @Example
  void monteCarloMeansOfK1AndK3MatchTheTrueKlOfTwoCategoricals() {
    double[] p = {0.5, 0.3, 0.15, 0.05}; // the sampling policy π_θ
    double[] q = {0.25, 0.25, 0.25, 0.25}; // the reference
    double trueKl = 0;
    for (int i = 0; i < p.length; i++) {
      trueKl += p[i] * Math.log(p[i] / q[i]);
    }
    int n = 200_000;
    double[] logp = new double[n];
    double[] logq = new double[n];
    Random random = new Random(12345);
    for (int s = 0; s < n; s++) {
      double u = random.nextDouble();
      int k = 0;
      while (k < p.length - 1 && u >= p[k]) {
        u -= p[k];
        k++;
      }
      logp[s] = Math.log(p[k]);
      logq[s] = Math.log(q[k]);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(logp);
      NDArray b = m.create(logq);
      double k3 = KlEstimator.K3.perToken(a, b).mean().getDouble();
      double k1 = KlEstimator.K1.perToken(a, b).mean().getDouble();
      // true KL = 0.24417 (python3: sum(p * log(p / q))); the standard errors of the means over 2e5 samples are
      // 1.3e-3 (k1) and 1.1e-3 (k3), from the per-sample variances under p, so 5e-3 is a band of about 4 of them
      assertEquals(trueKl, k3, 5e-3);
      assertEquals(trueKl, k1, 5e-3);
    }
  }

  @Example
  void aggregationsWeighTokensAsTheirPapersSay() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray loss = m.create(new float[][] {{1, 1, 1, 1}, {4, 0, 0, 0}});
      NDArray mask = m.create(new float[][] {{1, 1, 1, 1}, {1, 0, 0, 0}});
      assertEquals(8f / 5, new GlobalTokenMeanLoss().aggregate(loss, mask).getFloat(), 1e-6);
      assertEquals(8f / 5, new LocalTokenMeanLoss().aggregate(loss, mask).getFloat(), 1e-6);
      assertEquals((1f + 4f) / 2, new SequenceMeanLoss().aggregate(loss, mask).getFloat(), 1e-6);
      assertEquals(8f / (2 * 10), new ConstantLengthLoss(10).aggregate(loss, mask).getFloat(), 1e-6);
      // only dapo weighs micro-batches by their loss tokens; TRL divides the others by the accumulation steps
      assertEquals(5.0, new GlobalTokenMeanLoss().weight(mask), 0.0);
      assertEquals(1.0, new SequenceMeanLoss().weight(mask), 0.0);
      assertEquals(1.0, new LocalTokenMeanLoss().weight(mask), 0.0);
      assertEquals(1.0, new ConstantLengthLoss(10).weight(mask), 0.0);
    }
  }

  @Example
  void klTermNeedsTheReferenceOnlyWhenBetaIsPositive() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logp = m.create(new float[][] {{-1f, -2f}});
      PolicyLossInput noRef =
          new PolicyLossInput(logp, logp, Optional.empty(), m.ones(logp.getShape()), m.create(new float[] {1f}));
      assertThrows(IllegalArgumentException.class, () -> new ClippedPolicyLoss(PolicyLossConfig.grpo()).compute(noRef));
      assertEquals(-1f, new ClippedPolicyLoss(PolicyLossConfig.dapo()).compute(noRef).loss().getFloat(), 1e-7);
    }
  }

  @Example
  void configReadsFromJsonAndNamesTheBadField() throws Exception {
    ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    PolicyLossConfig c =
        json.readValue(
            "{\"loss_type\":{\"type\":\"dr_grpo\",\"max_completion_length\":64},\"clip_low\":0.2,"
                + "\"clip_high\":0.28,\"clip_ratio_c\":3.0,\"kl_beta\":0.01,\"kl_estimator\":\"k2\","
                + "\"kl_placement\":\"reward\",\"entropy_coef\":0.001}",
            PolicyLossConfig.class);
    assertEquals(new ConstantLengthLoss(64), c.lossType());
    assertEquals(KlEstimator.K2, c.klEstimator());
    assertTrue(c.klInReward() && !c.klInLoss() && c.dualClip());
    assertEquals(c, json.readValue(json.writeValueAsString(c), PolicyLossConfig.class));
    for (String type : List.of("grpo", "bnpo", "dapo")) {
      assertEquals(type, LossAggregationType.REGISTRY.nameOf(
          json.readValue("{\"type\":\"" + type + "\"}", LossAggregation.class).getClass()).orElseThrow());
    }
    Exception unknown = assertThrows(Exception.class,
        () -> json.readValue("{\"type\":\"token_mean\"}", LossAggregation.class));
    assertTrue(unknown.getMessage().contains("unknown loss type 'token_mean'"), unknown.getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PolicyLossConfig(
        new GlobalTokenMeanLoss(), 1.5, 0.2, 0, 0, KlEstimator.K3, KlPlacement.LOSS, 0));
    assertTrue(e.getMessage().contains("clip_low"), e.getMessage());
    IllegalArgumentException c1 = assertThrows(IllegalArgumentException.class, () -> new PolicyLossConfig(
        new GlobalTokenMeanLoss(), 0.2, 0.2, 1.0, 0, KlEstimator.K3, KlPlacement.LOSS, 0));
    assertTrue(c1.getMessage().contains("clip_ratio_c"), c1.getMessage());
  }
}
