package dev.align4j.experiments.recipes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.train.AdamW;
import dev.align4j.experiments.train.AdamWConfig;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.experiments.train.TrainStep;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LISA (arXiv:2403.17919): which layers train at which update is a function of the seed and the update's number;
 * frozen layers do not move; AdamW holds state only for the embeddings, norm, head and the active layers.
 */
class LisaScheduleTest {
  private static final LlamaConfig TINY = LlamaConfig.small(32, 16, 32, 4, 2, 1);

  @Test
  void theDrawIsAFunctionOfSeedAndIntervalAndStaysForIntervalUpdates() {
    try (LlamaModel model = LlamaModel.randomInit(TINY, 1, LoadOptions.cpu())) {
      LisaSchedule a = new LisaSchedule(model, new LisaSettings(2, 3), 42);
      LisaSchedule again = new LisaSchedule(model, new LisaSettings(2, 3), 42);
      LisaSchedule otherSeed = new LisaSchedule(model, new LisaSettings(2, 3), 43);
      Set<String> draws = new HashSet<>();
      boolean seedMatters = false;
      for (long step = 0; step < 60; step++) {
        int[] layers = a.activeLayers(step);
        assertArrayEquals(layers, again.activeLayers(step), "a resumed run draws the same at update " + step);
        assertArrayEquals(layers, a.activeLayers(step - step % 3), "constant within interval " + step / 3);
        assertEquals(2, layers.length);
        assertTrue(layers[0] < layers[1] && layers[0] >= 0 && layers[1] < 4, Arrays.toString(layers));
        draws.add(Arrays.toString(layers));
        seedMatters |= !Arrays.equals(layers, otherSeed.activeLayers(step));
      }
      assertTrue(draws.size() > 1, "the layers are redrawn: " + draws);
      assertTrue(seedMatters, "another seed draws other layers");
    }
  }

  @Test
  void everyLayerIsDrawnAtRateGammaOverL() {
    LlamaConfig eight = LlamaConfig.small(32, 16, 32, 8, 2, 1);
    try (LlamaModel model = LlamaModel.randomInit(eight, 1, LoadOptions.cpu())) {
      LisaSchedule s = new LisaSchedule(model, new LisaSettings(2, 1), 7);
      int intervals = 4000;
      int[] counts = new int[8];
      for (long i = 0; i < intervals; i++) {
        for (int l : s.activeLayers(i)) {
          counts[l]++;
        }
      }
      // expected γ/L · 4000 = 1000 per layer; binomial sd ≈ 27, so ±100 is about 3.7 sd
      for (int l = 0; l < 8; l++) {
        assertTrue(Math.abs(counts[l] - 1000) < 100, "layer " + l + ": " + Arrays.toString(counts));
      }
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void updatesTrainOnlyTheActiveLayersAndTheOptimizerHoldsOnlyTheirState() {
    long seed = seedWhoseFirstTwoDrawsDiffer();
    try (LlamaModel model = LlamaModel.randomInit(TINY, 3, LoadOptions.cpu());
        Tuning tuning = Tuning.attach(model, Optional.empty(), Optional.of(new LisaSettings(1, 2)), seed, "",
            Optional.empty());
        NDManager root = model.manager().newSubManager();
        AdamW adamw = new AdamW(AdamWConfig.DEFAULT, root)) {
      LisaSchedule schedule = tuning.lisa().orElseThrow();
      tuning.enableGradients();
      TrainStep step = new TrainStep(tuning.parameters(), adamw, 1.0, root);
      SequenceBatch batch = SequenceBatch.rightPadded(List.of(new int[] {1, 5, 9, 2, 7}, new int[] {3, 4, 8}),
          new int[] {1, 1}, 0);
      MicroBatchLoss<SequenceBatch> nll = MicroBatchLoss.of(b -> 1.0, (scope, b) -> {
        ChunkedLogProbs forward = ChunkedLogProbs.forward(model, b, scope);
        return new MicroBatchResult(forward.logProbs().sums().sum().neg(), 1, Map.of(), List.of(forward));
      });
      Set<String> outside = model.parameters().keySet().stream().filter(n -> LisaSchedule.layerOf(n) < 0)
          .collect(Collectors.toSet());
      assertEquals(Set.of("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"), outside);
      int checkedFrozen = 0;
      for (long s = 0; s < 4; s++) {
        Map<String, float[]> before = snapshot(model);
        tuning.beforeUpdate(s, adamw);
        assertTrue(step.run(List.of(batch), 1e-2, nll).applied());
        tuning.afterUpdate(s);
        Set<Integer> active = Arrays.stream(schedule.activeLayers(s)).boxed().collect(Collectors.toSet());
        Set<String> expectedState = new TreeSet<>(outside);
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
          String name = e.getKey();
          int layer = LisaSchedule.layerOf(name);
          boolean moved = !Arrays.equals(before.get(name), e.getValue().toFloatArray());
          if (layer >= 0 && !active.contains(layer)) {
            assertFalse(moved, "frozen " + name + " is bit-identical after update " + s);
            checkedFrozen++;
          } else if (layer >= 0) {
            expectedState.add(name);
          }
          if (name.endsWith("_proj.weight") && active.contains(layer) || layer < 0 && !name.endsWith("norm.weight")) {
            assertTrue(moved, name + " trains at update " + s);
          }
        }
        assertEquals(expectedState, new TreeSet<>(adamw.stateNames()), "optimizer state after update " + s);
      }
      assertEquals(4 * 3 * 9, checkedFrozen, "3 frozen layers of 9 weights at each of 4 updates");
    }
  }

  /** A seed whose layer for updates 0-1 differs from that of updates 2-3 (so the test sees a switch). */
  private static long seedWhoseFirstTwoDrawsDiffer() {
    try (LlamaModel model = LlamaModel.randomInit(TINY, 1, LoadOptions.cpu())) {
      for (long seed = 0; ; seed++) {
        LisaSchedule s = new LisaSchedule(model, new LisaSettings(1, 2), seed);
        if (s.activeLayers(0)[0] != s.activeLayers(2)[0]) {
          return seed;
        }
      }
    }
  }

  private static Map<String, float[]> snapshot(LlamaModel model) {
    Map<String, float[]> out = new HashMap<>();
    model.parameters().forEach((n, p) -> out.put(n, p.toFloatArray()));
    return out;
  }
}
