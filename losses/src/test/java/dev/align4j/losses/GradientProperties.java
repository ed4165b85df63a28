package dev.align4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Autograd gradients: equal to central finite differences, and equal to their limits at huge margins. */
class GradientProperties {
  private static final double H = 1e-5;

  @Provide
  Arbitrary<LossConfig> anyConfig() {
    return Generators.anyConfig();
  }

  @Provide
  Arbitrary<List<ScalarSpec.Pair>> pairs() {
    return Generators.pairs();
  }

  /** d(Σ_i loss_i)/d(policy chosen sum, policy rejected sum) by autograd. */
  static double[][] autograd(LossConfig config, List<ScalarSpec.Pair> pairs, DataType type) {
    try (NDManager m = NDManager.newBaseManager()) {
      TestBatches.Built built = TestBatches.build(m, type, pairs, true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        LossOutput out = config.create().compute(built.batch());
        gc.backward(out.losses().sum());
      }
      return new double[][] {
        TestBatches.doubles(built.policyChosen().getGradient()),
        TestBatches.doubles(built.policyRejected().getGradient())
      };
    }
  }

  private static double loss(NDManager m, LossConfig config, ScalarSpec.Pair p) {
    return config.create().compute(TestBatches.batch(m, DataType.FLOAT64, List.of(p))).losses().getDouble(0);
  }

  @Property(tries = 120)
  void autogradEqualsCentralDifferences(@ForAll("anyConfig") LossConfig config, @ForAll("pairs") List<ScalarSpec.Pair> pairs) {
    if (config instanceof HingeConfig) {
      // the hinge has a kink at z = 1: keep finite differences away from it
      for (ScalarSpec.Pair p : pairs) {
        double z = config.beta() * ((p.chosen() - p.refChosen()) - (p.rejected() - p.refRejected()));
        Assume.that(Math.abs(1 - z) > 1e-3);
      }
    }
    double[][] grad = autograd(config, pairs, DataType.FLOAT64);
    try (NDManager m = NDManager.newBaseManager()) {
      for (int i = 0; i < pairs.size(); i++) {
        ScalarSpec.Pair p = pairs.get(i);
        double dChosen = (loss(m, config, withChosen(p, p.chosen() + H)) - loss(m, config, withChosen(p, p.chosen() - H))) / (2 * H);
        double dRejected = (loss(m, config, withRejected(p, p.rejected() + H)) - loss(m, config, withRejected(p, p.rejected() - H))) / (2 * H);
        assertEquals(dChosen, grad[0][i], 1e-5 * Math.max(1, Math.abs(dChosen)), config + " d/dchosen, pair " + i);
        assertEquals(dRejected, grad[1][i], 1e-5 * Math.max(1, Math.abs(dRejected)), config + " d/drejected, pair " + i);
      }
    }
  }

  /**
   * At |β · margin| = 1e4 every loss and its gradient equal their limits, not just something finite: the loss is the
   * stable plain-Java spec's value there (e.g. sigmoid with smoothing ε: ε·1e4 above, (1 − ε)·1e4 below; DPO's
   * gradient saturates at −(1 − ε)·β or ε·β) and the gradient is the spec's central difference (the losses are
   * linear, quadratic or flat that far out, so the difference is exact up to rounding). float64 is pinned tightly;
   * float32 (inputs of magnitude up to 1e5 keep ~1e-2 of absolute precision) to 1e-3 relative.
   */
  @Property(tries = 120)
  void lossAndGradientsAtHugeMarginsEqualTheirLimits(@ForAll("anyConfig") LossConfig config, @ForAll boolean positive) {
    // |β · margin| = 1e4 on one-token completions, so the summed and the averaged margins are the same
    double margin = (positive ? 1e4 : -1e4) / config.beta();
    ScalarSpec.Pair p = config instanceof SimPoConfig
        ? new ScalarSpec.Pair(positive ? 0 : -Math.abs(margin), 1, positive ? -Math.abs(margin) : 0, 1, 0, 0)
        : new ScalarSpec.Pair(-1, 1, -1, 1, -1 - margin / 2, -1 + margin / 2);
    double limit = ScalarSpec.eval(config, p).loss();
    double h = 1e-2;
    double dChosen = (ScalarSpec.eval(config, withChosen(p, p.chosen() + h)).loss()
        - ScalarSpec.eval(config, withChosen(p, p.chosen() - h)).loss()) / (2 * h);
    double dRejected = (ScalarSpec.eval(config, withRejected(p, p.rejected() + h)).loss()
        - ScalarSpec.eval(config, withRejected(p, p.rejected() - h)).loss()) / (2 * h);
    assertTrue(Double.isFinite(limit) && Double.isFinite(dChosen) && Double.isFinite(dRejected), "the spec is stable");
    for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
      double rel = type == DataType.FLOAT64 ? 1e-9 : 1e-3;
      try (NDManager m = NDManager.newBaseManager()) {
        double loss = config.create().compute(TestBatches.batch(m, type, List.of(p))).losses()
            .toType(DataType.FLOAT64, false).getDouble(0);
        assertEquals(limit, loss, rel * Math.max(1, Math.abs(limit)), () -> config + " loss at huge margin in " + type);
      }
      double[][] g = autograd(config, List.of(p), type);
      double gradTol = type == DataType.FLOAT64 ? 1e-6 : 1e-3;
      assertEquals(dChosen, g[0][0], gradTol * Math.max(1, Math.abs(dChosen)),
          () -> config + " d/dchosen at huge margin in " + type);
      assertEquals(dRejected, g[1][0], gradTol * Math.max(1, Math.abs(dRejected)),
          () -> config + " d/drejected at huge margin in " + type);
    }
  }

  /** optax-style pins: DPO (sigmoid, β 0.1, no smoothing) at z = ±1e4 has loss 0 / 1e4 and gradient 0 / −β. */
  @net.jqwik.api.Example
  void sigmoidAtHugeMarginsHasItsClosedFormLimits() {
    LossConfig c = new SigmoidConfig(0.1);
    for (double z : new double[] {1e4, -1e4}) {
      double m = z / 0.1;
      ScalarSpec.Pair p = new ScalarSpec.Pair(-1, 1, -1, 1, -1 - m / 2, -1 + m / 2);
      try (NDManager nd = NDManager.newBaseManager()) {
        double loss = c.create().compute(TestBatches.batch(nd, DataType.FLOAT64, List.of(p))).losses().getDouble(0);
        assertEquals(z > 0 ? 0.0 : 1e4, loss, 1e-9);
      }
      double[][] g = autograd(c, List.of(p), DataType.FLOAT64);
      assertEquals(z > 0 ? 0.0 : -0.1, g[0][0], 1e-12, "d loss / d chosen = −β·σ(−z)");
      assertEquals(z > 0 ? 0.0 : 0.1, g[1][0], 1e-12, "d loss / d rejected = β·σ(−z)");
    }
  }

  private static ScalarSpec.Pair withChosen(ScalarSpec.Pair p, double chosen) {
    return new ScalarSpec.Pair(chosen, p.chosenTokens(), p.rejected(), p.rejectedTokens(), p.refChosen(), p.refRejected());
  }

  private static ScalarSpec.Pair withRejected(ScalarSpec.Pair p, double rejected) {
    return new ScalarSpec.Pair(p.chosen(), p.chosenTokens(), rejected, p.rejectedTokens(), p.refChosen(), p.refRejected());
  }
}
