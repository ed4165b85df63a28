package readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.align4j.losses.LogProbPair;
import dev.align4j.losses.LossConfig;
import dev.align4j.losses.LossOutput;
import dev.align4j.losses.PreferenceBatch;
import dev.align4j.losses.PreferenceLoss;
import dev.align4j.losses.SimPoConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's "Using a loss as a library" example, as written there (the it module checks the README block
 * against this file), from a package outside dev.align4j as a user writes it, on one concrete pair: it compiles, its
 * numbers are the dpo_norm formula's, and the gradient reaches the per-token policy log-probs.
 */
class ReadmeLossExampleTest {

  @Test
  void readmeExampleRunsAndGivesTheFormulasNumbers() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      // one pair: chosen has 2 completion tokens (+1 padding), rejected 3
      NDArray piChosen = m.create(new float[][] {{-1f, -2f, 0f}});
      NDArray piRejected = m.create(new float[][] {{-3f, -1f, -2f}});
      NDArray refChosen = m.create(new float[][] {{-1.5f, -2f, 0f}});
      NDArray refRejected = m.create(new float[][] {{-2f, -1f, -2f}});
      NDArray chosenMask = m.create(new float[][] {{1f, 1f, 0f}});
      NDArray rejectedMask = m.create(new float[][] {{1f, 1f, 1f}});
      piChosen.setRequiresGradient(true);
      double lossValue;
      Map<String, Double> metricsSeen;
      // ---- README example, verbatim from here ----
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        PreferenceLoss loss = LossConfig.fromJson("{\"type\": \"dpo_norm\", \"beta\": 5}").create();
        // per-token log-probs [B, T] and completion masks [B, T] (1 = completion token)
        LogProbPair policy = LogProbPair.fromTokens(piChosen, chosenMask, piRejected, rejectedMask);
        LogProbPair reference = LogProbPair.fromTokens(refChosen, chosenMask, refRejected, rejectedMask);
        LossOutput out = loss.compute(PreferenceBatch.of(policy, reference));
        gc.backward(out.mean());                       // differentiable scalar
        Map<String, Double> metrics = out.metrics();   // TRL names: rewards/chosen, rewards/accuracies, logps/chosen, ...
        // ---- to here ----
        lossValue = out.meanValue();
        metricsSeen = metrics;
      }
      // dpo_norm on mean log-probs: h_w = (-3/2) - (-3.5/2) = 0.25, h_l = (-6/3) - (-5/3) = -1/3,
      // z = 5 * (0.25 + 1/3) = 35/12; loss = softplus(-z) = log(1 + exp(-35/12)) = 0.05266... (python3 math.log1p)
      double z = 5 * (0.25 + 1.0 / 3.0);
      assertEquals(Math.log1p(Math.exp(-z)), lossValue, 1e-6);
      assertEquals(5 * 0.25, metricsSeen.get("rewards/chosen"), 1e-6);
      assertEquals(1.0, metricsSeen.get("rewards/accuracies"), 0.0);
      // d loss / d piChosen[t] = -sigmoid(-z) * beta / n_chosen on the 2 completion tokens, 0 on padding
      float[] g = piChosen.getGradient().toFloatArray();
      double expected = -(1 / (1 + Math.exp(z))) * 5 / 2;
      assertEquals(expected, g[0], 1e-6);
      assertEquals(expected, g[1], 1e-6);
      assertEquals(0.0, g[2], 0.0);
      // the README's SimPO lines: reference-free, on the same policy pair
      LogProbPair policy = LogProbPair.fromTokens(piChosen, chosenMask, piRejected, rejectedMask);
      // SimPO needs no reference:
      LossOutput simpo = new SimPoConfig(2.0, 1.0).create().compute(PreferenceBatch.referenceFree(policy));
      // z' = 2 * (-1.5 - (-2)) - 1 = 0 -> loss = ln 2
      assertEquals(Math.log(2), simpo.meanValue(), 1e-6);
    }
  }
}
