package dev.align4j.experiments.recipes;

import dev.align4j.policies.lora.ReferenceModel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.train.AdamW;
import dev.align4j.experiments.train.AdamWConfig;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.experiments.train.TrainStep;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.lora.LoraModel;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA as the recipes set it up ({@link Tuning}): only the adapters train, the base stays bit-identical and is the
 * reference with the adapters off, and the adapter folder written as a checkpoint or as {@code final/} loads back
 * onto a fresh base as exactly the trained policy.
 */
class TuningTest {
  private static final LlamaConfig TINY = LlamaConfig.small(32, 16, 32, 3, 2, 1);
  private static final LoraSettings LORA = new LoraSettings(2, 4, 0.0, List.of("q_proj", "v_proj", "down_proj"));
  private static final SequenceBatch BATCH = SequenceBatch.rightPadded(
      List.of(new int[] {1, 5, 9, 2, 7}, new int[] {3, 4, 8}), new int[] {1, 1}, 0);

  @TempDir Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void onlyAdaptersTrainAndTheSavedAdapterFolderIsTheTrainedPolicy() throws Exception {
    try (LlamaModel model = LlamaModel.randomInit(TINY, 3, LoadOptions.cpu());
        Tuning tuning = Tuning.attach(model, Optional.of(LORA), Optional.empty(), 11, "base", Optional.empty())) {
      Map<String, NDArray> trainable = tuning.parameters();
      assertEquals(3 * 3 * 2, trainable.size(), "A and B of 3 projections in 3 layers");
      assertTrue(trainable.keySet().stream().allMatch(n -> n.startsWith(LoraModel.PEFT_PREFIX)),
          trainable.keySet().toString());
      Map<String, float[]> base = snapshot(model);
      float[] untrained = logProbs(model);

      train(tuning, model, 3);

      assertTrue(model.parameters().values().stream().noneMatch(NDArray::hasGradient), "the base is frozen");
      model.parameters().forEach((n, p) -> assertArrayEquals(base.get(n), p.toFloatArray(), 0f, n + " unchanged"));
      float[] trained = logProbs(model);
      assertFalse(java.util.Arrays.equals(untrained, trained), "the adapters changed the policy");

      try (ReferenceModel reference = tuning.reference(dir.resolve("not-read"), LoadOptions.cpu())) {
        assertTrue(reference.sharesPolicyWeights(), "no second copy of the weights");
        assertArrayEquals(untrained, reference.apply(TuningTest::logProbs), 0f, "reference = base, adapters off");
      }
      assertArrayEquals(trained, logProbs(model), 0f, "adapters are on again after the reference ran");

      Path checkpoint = dir.resolve("checkpoint");
      tuning.writeCheckpoint(checkpoint);
      Path fin = tuning.saveFinal(dir.resolve("source-unused"), dir.resolve("final"));
      for (Path folder : List.of(checkpoint, fin)) {
        try (Stream<Path> files = Files.list(folder)) {
          assertEquals(List.of("adapter_config.json", "adapter_model.safetensors"),
              files.map(p -> p.getFileName().toString()).sorted().toList(), folder + " is a PEFT adapter folder");
        }
        try (LlamaModel fresh = LlamaModel.randomInit(TINY, 3, LoadOptions.cpu());
            LoraModel loaded = LoraModel.load(fresh, folder)) {
          assertArrayEquals(trained, logProbs(fresh), 0f, "base + " + folder.getFileName() + " = trained policy");
        }
      }
      try (LlamaModel fresh = LlamaModel.randomInit(TINY, 3, LoadOptions.cpu());
          Tuning resumed = Tuning.attach(fresh, Optional.of(LORA), Optional.empty(), 11, "base",
              Optional.of(checkpoint))) {
        assertArrayEquals(trained, logProbs(fresh), 0f, "a resumed run continues from the checkpoint's adapters");
        assertEquals(trainable.keySet(), resumed.parameters().keySet(), "the optimizer state names match");
      }
      try (LlamaModel fresh = LlamaModel.randomInit(TINY, 3, LoadOptions.cpu())) {
        LoraSettings other = new LoraSettings(2, 8, 0.0, LORA.targetModules());
        BadInputException e = assertThrows(BadInputException.class, () -> Tuning.attach(fresh, Optional.of(other),
            Optional.empty(), 11, "base", Optional.of(checkpoint)));
        assertEquals(checkpoint.resolve("adapter_config.json"), e.file(), e.getMessage());
        assertTrue(fresh.linears().values().stream().allMatch(l -> l.adapter().isEmpty()), "nothing left installed");
      }
    }
  }

  /** {@code n} AdamW updates (lr 1e-2) of −Σ log p over {@link #BATCH}, called the way the trainer calls them. */
  private static void train(Tuning tuning, LlamaModel model, int n) {
    try (NDManager root = tuning.parameters().values().iterator().next().getManager().newSubManager();
        AdamW adamw = new AdamW(AdamWConfig.DEFAULT, root)) {
      tuning.enableGradients();
      TrainStep step = new TrainStep(tuning.parameters(), adamw, 1.0, root);
      MicroBatchLoss<SequenceBatch> nll = MicroBatchLoss.of(b -> 1.0, (scope, b) -> {
        ChunkedLogProbs forward = ChunkedLogProbs.forward(model, b, scope);
        return new MicroBatchResult(forward.logProbs().sums().sum().neg(), 1, Map.of(), List.of(forward));
      });
      for (int s = 0; s < n; s++) {
        tuning.beforeUpdate(s, adamw);
        assertTrue(step.run(List.of(BATCH), 1e-2, nll).applied());
        tuning.afterUpdate(s);
      }
    }
  }

  static float[] logProbs(LlamaModel model) {
    try (NDManager scope = model.manager().newSubManager()) {
      return TokenLogProbs.compute(model, BATCH, scope).perToken().toFloatArray();
    }
  }

  private static Map<String, float[]> snapshot(LlamaModel model) {
    Map<String, float[]> out = new HashMap<>();
    model.parameters().forEach((n, p) -> out.put(n, p.toFloatArray()));
    return out;
  }
}
