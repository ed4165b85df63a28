package dev.align4j.experiments.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.api.ConfigOverride;
import dev.align4j.experiments.api.ExperimentRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code "gradient_checkpointing": true} changes memory, not the math: a recipe run with it logs the same metrics
 * (loss, gradient norm, rewards) as without it, to float32 tolerance, for full fine-tuning and for LoRA with dropout
 * (whose masks must repeat when a layer is recomputed in the backward pass).
 */
class GradientCheckpointingRecipeTest {
  @TempDir Path dir;

  private List<JsonNode> run(String config, String name, String... overrides) throws Exception {
    Path out = dir.resolve(name);
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    List<ConfigOverride> parsed = new ArrayList<>();
    for (String o : overrides) {
      parsed.add(ConfigOverride.parse(o));
    }
    ExperimentRunner.runFresh(Path.of("../configs/" + config + ".json"), parsed, Optional.of(out),
        OptionalLong.empty(), err);
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      rows.add(Jsonl.MAPPER.readTree(line));
    }
    return rows;
  }

  private static void assertSameMetrics(List<JsonNode> plain, List<JsonNode> checkpointed) {
    assertEquals(plain.size(), checkpointed.size());
    assertTrue(plain.size() >= 4, "several updates: " + plain.size());
    int compared = 0;
    for (int i = 0; i < plain.size(); i++) {
      JsonNode a = plain.get(i);
      JsonNode b = checkpointed.get(i);
      assertEquals(a.size(), b.size(), "same metrics at update " + (i + 1));
      for (var it = a.fields(); it.hasNext(); ) {
        var e = it.next();
        double x = e.getValue().asDouble();
        double y = b.get(e.getKey()).asDouble();
        assertEquals(x, y, 1e-5 + 1e-4 * Math.abs(x), e.getKey() + " at update " + (i + 1));
        compared++;
      }
    }
    assertTrue(compared >= 4 * 5, "compared " + compared + " values");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void sftWithCheckpointingLogsWhatSftWithoutItLogs() throws Exception {
    assertSameMetrics(run("sft-tiny", "plain"), run("sft-tiny", "checkpointed", "gradient_checkpointing=true"));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void loraDpoWithDropoutAndCheckpointingLogsWhatItLogsWithoutCheckpointing() throws Exception {
    String lora = "lora={\"r\": 4, \"alpha\": 8, \"dropout\": 0.1, \"target_modules\": [\"q_proj\", \"v_proj\", "
        + "\"up_proj\"]}";
    List<JsonNode> plain = run("dpo-tiny", "lora-plain", lora);
    List<JsonNode> checkpointed = run("dpo-tiny", "lora-checkpointed", lora, "gradient_checkpointing=true");
    assertSameMetrics(plain, checkpointed);
    assertTrue(plain.get(plain.size() - 1).get("loss").asDouble() != plain.get(0).get("loss").asDouble(),
        "the adapters trained");
  }
}
