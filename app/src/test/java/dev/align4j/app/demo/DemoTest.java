package dev.align4j.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.app.Cli;
import dev.align4j.experiments.run.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  @TempDir Path dir;

  @Test
  void quickDemoRunsEveryStageAndWritesItsRunDirectories() throws Exception {
    Path out = dir.resolve("demo");
    Cli r = Cli.run("demo", "--out", out.toString(), "--steps-scale", "0.05");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("held-out accuracy on 500 problems"), r.out());
    assertTrue(r.out().contains("3-grpo/plots/rl_reward.png"), r.out());

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(500, summary.get("held_out_problems").asInt());
    assertEquals(List.of("base", "sft", "dpo", "grpo"), fieldNames(summary.get("accuracy")));
    for (String stage : List.of("1-sft", "2-dpo", "3-grpo")) {
      for (String f : List.of("config.json", "provenance.json", "metrics.jsonl", "plots/loss.png",
          "final/model.safetensors", "final/tokenizer.json")) {
        assertTrue(Files.isRegularFile(out.resolve(stage).resolve(f)), stage + "/" + f);
      }
    }
    // policy = reference at the first DPO step, so every correct DPO run starts at ln 2
    Map<String, Double> first = MetricsLog.read(out.resolve("2-dpo/metrics.jsonl")).get(0);
    assertEquals(Math.log(2), first.get("loss"), 1e-6);
    assertTrue(first.containsKey("rewards/margins") && first.containsKey("logps/chosen"));
    Map<String, Double> rl = MetricsLog.read(out.resolve("3-grpo/metrics.jsonl")).get(0);
    for (String trl : List.of("reward", "reward_std", "frac_reward_zero_std", "kl", "entropy",
        "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean", "completions/mean_length",
        "completions/clipped_ratio", "num_gen_batches")) {
      assertTrue(rl.containsKey(trl), trl + " in " + rl);
    }
  }

  /** The shipped demo at full size: each stage keeps or improves held-out accuracy, GRPO beats SFT. */
  @Test
  @Tag("heavy")
  void fullDemoImprovesHeldOutAccuracyStageByStage() throws Exception {
    Path out = dir.resolve("demo-full");
    Cli r = Cli.run("demo", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode acc = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("accuracy");
    double sft = acc.get("sft").asDouble();
    double dpo = acc.get("dpo").asDouble();
    double grpo = acc.get("grpo").asDouble();
    assertTrue(dpo >= sft, "dpo " + dpo + " >= sft " + sft);
    assertTrue(grpo >= dpo, "grpo " + grpo + " >= dpo " + dpo);
    assertTrue(grpo > sft, "grpo " + grpo + " > sft " + sft);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
