package dev.align4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.PreferenceLossStep;
import dev.align4j.experiments.recipes.ReferenceScores;
import dev.align4j.losses.DpoNormConfig;
import dev.align4j.losses.LogProbPair;
import dev.align4j.losses.LossOutput;
import dev.align4j.losses.PreferenceBatch;
import dev.align4j.losses.PreferenceLoss;
import dev.align4j.losses.SequenceLogProbs;
import dev.align4j.policies.cache.ReferenceBatches;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.policies.text.TokenizedChat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainStep} runs a micro-batch's deferred backward part: a DPO update through {@link PreferenceLossStep}
 * (chunked log-probs, split backward pass), with and without gradient checkpointing, equals the same update
 * computed in one autograd pass ({@link TokenLogProbs} under the collector) to float32 rounding.
 */
class SplitBackwardStepTest {
  /** Loss, gradient norm and each weight's change in one update. */
  private record Update(double loss, double gradNorm, Map<String, float[]> weights) {}

  private enum Path2 {
    ONE_PASS,
    CHUNKED,
    CHECKPOINTED
  }

  @Test
  void dpoUpdateEqualsTheOnePassUpdate() throws Exception {
    Path model = Path.of("../models/tiny-arith");
    Update onePass = update(model, Path2.ONE_PASS);
    for (Path2 path : List.of(Path2.CHUNKED, Path2.CHECKPOINTED)) {
      Update split = update(model, path);
      assertEquals(onePass.loss(), split.loss(), 1e-6, path + ": loss");
      assertEquals(onePass.gradNorm(), split.gradNorm(), 1e-5 * onePass.gradNorm(), path + ": grad_norm");
      assertTrue(onePass.gradNorm() > 0);
      for (String name : onePass.weights().keySet()) {
        float[] want = onePass.weights().get(name);
        float scale = 0;
        for (float v : want) {
          scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, name + " must move");
        assertArrayEquals(want, split.weights().get(name), 2e-5f * scale, path + ": " + name);
      }
    }
  }

  private static Update update(Path folder, Path2 path) {
    try (PolicyModel policy = PolicyModel.load(folder, folder, "tulu")) {
      List<EncodedPair> pairs = TinyDpo.pairs(policy);
      ReferenceScores reference = TinyDpo.reference(pairs.size());
      PreferenceLoss dpo = new DpoNormConfig(5.0).create();
      MicroBatchLoss<int[]> loss = path == Path2.ONE_PASS
          ? onePassDpo(policy, pairs, reference, dpo)
          : new PreferenceLossStep(policy, pairs, Optional.of(reference), dpo);
      policy.model().setGradientCheckpointing(path == Path2.CHECKPOINTED);
      policy.trainable();
      Map<String, NDArray> params = policy.model().parameters();
      Map<String, float[]> before = new LinkedHashMap<>();
      params.forEach((name, p) -> before.put(name, p.toFloatArray()));
      // eps = 1, lr = 1 and no clipping: the first AdamW step moves w by g / (|g| + 1), close to the gradient itself,
      // so the comparison sees gradient differences (with eps = 1e-8 it would be about lr·sign(g), where rounding
      // of gradients near 1e-8 shows up as large relative differences)
      try (AdamW optimizer = new AdamW(new AdamWConfig(0.9, 0.999, 1.0, 0.0), policy.model().manager())) {
        TrainStep step = new TrainStep(params, optimizer, Double.POSITIVE_INFINITY, policy.model().manager());
        StepResult r = step.run(List.of(new int[] {0, 1}, new int[] {2, 3}), 1.0, loss);
        Map<String, float[]> moves = new LinkedHashMap<>();
        params.forEach((name, p) -> {
          float[] after = p.toFloatArray();
          float[] b = before.get(name);
          for (int i = 0; i < after.length; i++) {
            after[i] -= b[i];
          }
          moves.put(name, after);
        });
        return new Update(r.loss(), r.gradNorm(), moves);
      }
    }
  }

  /** The same micro-batch loss as {@link PreferenceLossStep}, with log-probs autograd differentiates in one pass. */
  private static MicroBatchLoss<int[]> onePassDpo(PolicyModel policy, List<EncodedPair> pairs,
      ReferenceScores reference, PreferenceLoss dpo) {
    return MicroBatchLoss.of(indices -> indices.length, (scope, indices) -> {
      int n = indices.length;
      List<TokenizedChat> sequences = new ArrayList<>();
      List<ReferenceLogProbs> refChosen = new ArrayList<>();
      List<ReferenceLogProbs> refRejected = new ArrayList<>();
      for (int i : indices) {
        sequences.add(pairs.get(i).chosen());
        refChosen.add(reference.chosen().get(i));
        refRejected.add(reference.rejected().get(i));
      }
      for (int i : indices) {
        sequences.add(pairs.get(i).rejected());
      }
      BatchLogProbs lp = TokenLogProbs.compute(policy.model(), Encoding.batch(sequences, policy.padId()), scope);
      LogProbPair pi = new LogProbPair(
          new SequenceLogProbs(lp.sums().get("0:{}", n), lp.counts().get("0:{}", n)),
          new SequenceLogProbs(lp.sums().get("{}:", n), lp.counts().get("{}:", n)));
      LogProbPair ref = new LogProbPair(ReferenceBatches.toSequenceLogProbs(refChosen, scope),
          ReferenceBatches.toSequenceLogProbs(refRejected, scope));
      LossOutput out = dpo.compute(PreferenceBatch.of(pi, ref));
      return new MicroBatchResult(out.mean(), n, out.metrics());
    });
  }
}
