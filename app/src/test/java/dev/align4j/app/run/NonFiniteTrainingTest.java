package dev.align4j.app.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.app.Cli;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.recipes.ModelFolders;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A non-finite loss or gradient norm during training stops the run with exit code 2 naming the update and the metric
 * (no update is applied), or, with {@code training.skip_nonfinite_steps}, skips and counts such updates.
 *
 * <p>The fault: a copy of the tiny model whose final norm weights are 3e38, finite (so that a load-time check of the
 * weights lets it through) but large enough that the logits overflow float32 and the loss is NaN at every update.
 */
class NonFiniteTrainingTest {
  @TempDir static Path shared;
  static Path poisoned;
  static Path config;

  @TempDir Path dir;

  @BeforeAll
  static void poisonedModel() throws Exception {
    Path tiny = Path.of("../models/tiny-arith").toAbsolutePath().normalize();
    poisoned = shared.resolve("poisoned");
    try (LlamaModel m = LlamaModel.load(tiny, LoadOptions.cpu())) {
      NDArray norm = m.parameters().get("model.norm.weight");
      norm.set(new NDIndex("..."), 3e38f);
      ModelFolders.save(m, tiny, poisoned);
    }
    config = Files.writeString(shared.resolve("sft.json"), Files.readString(Path.of("../configs/sft-tiny.json"))
        .replace("\"../models/tiny-arith\"", "\"" + poisoned + "\"")
        .replace("\"data/arith-sft.jsonl\"", "\"" + Path.of("../configs/data/arith-sft.jsonl").toAbsolutePath()
            .normalize() + "\""));
  }

  @Test
  void aNanLossStopsTheRunAtTheFirstUpdateNamingTheMetric() throws Exception {
    Path out = dir.resolve("run");
    Cli r = Cli.run("run", config.toString(), "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("align4j run: sft: update 1 of 4: loss is NaN"), r.err());
    assertTrue(r.err().contains("the update was not applied and training stopped"), r.err());
    assertTrue(r.err().contains("training.skip_nonfinite_steps"), r.err());
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(1, lines.size(), "the failing update's line is kept for diagnosis");
    assertTrue(Jsonl.MAPPER.readTree(lines.get(0)).get("loss").isNull(), lines.get(0));
    assertTrue(Files.notExists(out.resolve("final")));
  }

  @Test
  void withSkipNonfiniteStepsSuchUpdatesAreSkippedCountedAndTheWeightsLeftAlone() throws Exception {
    Path out = dir.resolve("run");
    Cli r = Cli.run("run", config.toString(), "training.skip_nonfinite_steps=true", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(4, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode row = Jsonl.MAPPER.readTree(lines.get(i));
      assertTrue(row.get("loss").isNull(), lines.get(i));
      assertEquals(i + 1, row.get("nonfinite_skipped").asInt(), lines.get(i));
    }
    try (LlamaModel before = LlamaModel.load(poisoned, LoadOptions.cpu());
        LlamaModel after = LlamaModel.load(out.resolve("final"), LoadOptions.cpu())) {
      for (String name : before.parameters().keySet()) {
        assertArrayEquals(before.parameters().get(name).toFloatArray(), after.parameters().get(name).toFloatArray(),
            "no skipped update touched " + name);
      }
    }
  }
}
