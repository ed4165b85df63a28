package dev.align4j.rollouts.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The NDArray loss against a plain-Java scalar implementation of the formula (the executable spec), and its
 * autograd gradient against central finite differences of that spec, for every loss type, KL estimator and with
 * or without dual clip.
 */
class PolicyLossSpecProperties {
  private static final List<LossAggregation> AGGREGATIONS = List.of(
      new GlobalTokenMeanLoss(), new SequenceMeanLoss(), new ConstantLengthLoss(7), new LocalTokenMeanLoss());

  /** Random problem: logp, old, ref [B, T] near each other (ratios around 1), a mask, advantages [B]. */
  private record Problem(double[][] logp, double[][] old, double[][] ref, double[][] mask, double[] adv) {
    static Problem random(long seed) {
      Random r = new Random(seed);
      int b = 1 + r.nextInt(3);
      int t = 1 + r.nextInt(5);
      double[][] logp = new double[b][t];
      double[][] old = new double[b][t];
      double[][] ref = new double[b][t];
      double[][] mask = new double[b][t];
      double[] adv = new double[b];
      for (int i = 0; i < b; i++) {
        adv[i] = r.nextGaussian();
        for (int j = 0; j < t; j++) {
          logp[i][j] = -0.1 - 3 * r.nextDouble();
          old[i][j] = logp[i][j] + 0.4 * r.nextGaussian();
          ref[i][j] = logp[i][j] + 0.5 * r.nextGaussian();
          mask[i][j] = j == 0 || r.nextDouble() < 0.7 ? 1 : 0;
        }
      }
      return new Problem(logp, old, ref, mask, adv);
    }
  }

  /** The formula of {@link ClippedPolicyLoss}, written out per token. */
  private static double spec(Problem p, double[][] logp, PolicyLossConfig c) {
    int b = logp.length;
    int t = logp[0].length;
    double[][] perToken = new double[b][t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        double ratio = Math.exp(logp[i][j] - p.old()[i][j]);
        double clipped = Math.min(Math.max(ratio, 1 - c.clipLow()), 1 + c.clipHigh());
        double surrogate = -Math.min(ratio * p.adv()[i], clipped * p.adv()[i]);
        double d = p.ref()[i][j] - logp[i][j];
        double kl = switch (c.klEstimator()) {
          case K1 -> -d;
          case K2 -> d * d / 2;
          case K3 -> Math.exp(d) - d - 1;
          case ABS -> Math.abs(d);
        };
        if (c.dualClip() && p.adv()[i] < 0) {
          surrogate = Math.min(surrogate, -p.adv()[i] * c.clipRatioC());
        }
        perToken[i][j] = surrogate + c.klBeta() * kl;
      }
    }
    double total = 0;
    double count = 0;
    double seqMeans = 0;
    for (int i = 0; i < b; i++) {
      double rowSum = 0;
      double rowCount = 0;
      for (int j = 0; j < t; j++) {
        rowSum += perToken[i][j] * p.mask()[i][j];
        rowCount += p.mask()[i][j];
      }
      total += rowSum;
      count += rowCount;
      seqMeans += rowSum / Math.max(rowCount, 1);
    }
    LossAggregation agg = c.lossType();
    if (agg instanceof GlobalTokenMeanLoss || agg instanceof LocalTokenMeanLoss) {
      return total / Math.max(count, 1);
    } else if (agg instanceof SequenceMeanLoss) {
      return seqMeans / b;
    }
    return total / (b * (double) ((ConstantLengthLoss) agg).maxCompletionLength());
  }

  @Property(tries = 40)
  void ndarrayLossMatchesTheSpecAndItsFiniteDifferenceGradient(@ForAll long seed) {
    Problem p = Problem.random(seed);
    Random r = new Random(seed ^ 0x5DEECE66DL);
    PolicyLossConfig config = new PolicyLossConfig(AGGREGATIONS.get(r.nextInt(AGGREGATIONS.size())), 0.2, 0.28,
        r.nextBoolean() ? 0.0 : 1.5, r.nextBoolean() ? 0.0 : 0.1, KlEstimator.values()[r.nextInt(4)],
        KlPlacement.LOSS, 0.0);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logp = m.create(p.logp());
      logp.setRequiresGradient(true);
      PolicyLossInput in = new PolicyLossInput(
          logp, m.create(p.old()), Optional.of(m.create(p.ref())), m.create(p.mask()), m.create(p.adv()));
      double loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = new ClippedPolicyLoss(config).compute(in).loss();
        loss = out.getDouble();
        gc.backward(out);
      }
      assertEquals(spec(p, p.logp(), config), loss, 1e-12, config.toString());
      double[] grad = logp.getGradient().toDoubleArray();
      int t = p.logp()[0].length;
      double h = 1e-6;
      for (int i = 0; i < p.logp().length; i++) {
        for (int j = 0; j < t; j++) {
          double[][] plus = deepCopy(p.logp());
          double[][] minus = deepCopy(p.logp());
          plus[i][j] += h;
          minus[i][j] -= h;
          double fd = (spec(p, plus, config) - spec(p, minus, config)) / (2 * h);
          assertEquals(fd, grad[i * t + j], 1e-6, "d loss / d logp[" + i + "][" + j + "] for " + config);
        }
      }
    }
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
