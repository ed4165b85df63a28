package dev.align4j.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.align4j.app.Cli;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.lora.LoraConfig;
import dev.align4j.policies.lora.LoraModel;
import dev.align4j.policies.lora.LoraTesting;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./align4j merge}: base + LoRA adapter folder → a full HF model folder that scores like base + adapters
 * (equal up to the rounding of W + (alpha / r) · B A); bad folders are exit 2 naming the option or file.
 */
class MergeCommandTest {
  private static final Path BASE = Path.of("../models/tiny-arith");
  private static final SequenceBatch BATCH = SequenceBatch.rightPadded(
      List.of(new int[] {1, 20, 31, 7, 12, 9}, new int[] {4, 8, 15, 16}), new int[] {2, 1}, 0);

  @TempDir Path dir;

  private static float[] logProbs(LlamaModel model) {
    try (NDManager scope = model.manager().newSubManager()) {
      return TokenLogProbs.compute(model, BATCH, scope).perToken().toFloatArray();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theMergedFolderScoresLikeBasePlusAdapters() throws Exception {
    Path adapter = dir.resolve("adapter");
    float[] adapted;
    float[] base;
    try (LlamaModel model = LlamaModel.load(BASE, LoadOptions.cpu())) {
      base = logProbs(model);
      try (LoraModel lora = LoraModel.attach(model, LoraConfig.allProjections(4, 8.0, 0.0).withSeed(1))) {
        LoraTesting.randomizeB(lora, 2);
        lora.save(adapter);
        adapted = logProbs(model);
      }
    }
    float maxShift = 0;
    for (int i = 0; i < base.length; i++) {
      maxShift = Math.max(maxShift, Math.abs(base[i] - adapted[i]));
    }
    assertTrue(maxShift > 1e-3, "the adapter changes the scores: " + maxShift);

    Path merged = dir.resolve("merged");
    Cli r = Cli.run("merge", "--model", BASE.toString(), "--adapter", adapter.toString(), "--out", merged.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(merged.toAbsolutePath().toString(), r.out().strip());
    assertTrue(Files.isRegularFile(merged.resolve("tokenizer.json")), "self-contained: the base's tokenizer");
    try (LlamaModel model = LlamaModel.load(merged, LoadOptions.cpu())) {
      assertArrayEquals(adapted, logProbs(model), 1e-5f);
    }
    try (LlamaModel model = LlamaModel.load(BASE, LoadOptions.cpu())) {
      assertArrayEquals(base, logProbs(model), 0f, "the base folder is not touched");
    }

    Cli again = Cli.run("merge", "--model", BASE.toString(), "--adapter", adapter.toString(), "--out",
        merged.toString());
    assertEquals(2, again.exitCode(), again.err());
    assertTrue(again.err().contains("--out: " + merged + " exists"), again.err());
  }

  @Test
  void aFolderWithoutAdapterWeightsOrAnAdapterOfAnotherModelIsExit2() throws Exception {
    Cli none = Cli.run("merge", "--model", BASE.toString(), "--adapter", dir.toString(), "--out",
        dir.resolve("m1").toString());
    assertEquals(2, none.exitCode(), none.err());
    assertTrue(none.err().contains("--adapter: " + dir + " is not a LoRA adapter folder"), none.err());

    Path foreign = dir.resolve("foreign");
    try (LlamaModel other = LlamaModel.load(Path.of("../fixtures/tiny-llama"), LoadOptions.cpu());
        LoraModel lora = LoraModel.attach(other, LoraConfig.allProjections(2, 4.0, 0.0))) {
      lora.save(foreign);
    }
    Path out = dir.resolve("m2");
    Cli wrong = Cli.run("merge", "--model", BASE.toString(), "--adapter", foreign.toString(), "--out",
        out.toString());
    assertEquals(2, wrong.exitCode(), wrong.err());
    assertTrue(wrong.err().contains("adapter_model.safetensors"), wrong.err());
    assertFalse(Files.exists(out), "nothing written");
  }
}
