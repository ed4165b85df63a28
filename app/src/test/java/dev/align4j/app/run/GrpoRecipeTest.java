package dev.align4j.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.app.Cli;
import dev.align4j.app.ConfigVariant;
import dev.align4j.app.TinyModels;
import dev.align4j.experiments.run.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The grpo experiment's generation cycles, DAPO preset and code reward, run end to end on tiny models. */
class GrpoRecipeTest {
  @TempDir Path dir;

  private List<Map<String, Double>> run(Path config, String name) throws Exception {
    Path out = dir.resolve(name);
    Cli r = Cli.run("run", config.toString(), "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("final/model.safetensors")));
    return MetricsLog.read(out.resolve("metrics.jsonl"));
  }

  @Test
  @Timeout(300)
  void threeIterationsOverOneGenerationMoveTheRatioAndClip() throws Exception {
    Path config = ConfigVariant.write("grpo-tiny.json", dir, "mu3.json", Map.of(
        "model", TinyModels.arithSft().toString(), "steps", 3, "rollout.num_iterations", 3));
    List<Map<String, Double>> rows = run(config, "mu3");
    assertEquals(3, rows.size());
    // the first update is on-policy: the batch's log-probs are the current ones, ratio 1, nothing clipped
    assertEquals(1.0, rows.get(0).get("ratio"), 1e-6);
    assertEquals(0.0, rows.get(0).get("clip_ratio/region_mean"), 0.0);
    assertTrue(rows.get(0).get("reward_std") > 0, "rewards vary: " + rows.get(0));
    // the reuses generate nothing; the policy has moved away from the sampling one and clipping acts
    for (int i = 1; i < 3; i++) {
      assertFalse(rows.get(i).containsKey("reward"), "update " + (i + 1) + " generates nothing");
      assertTrue(rows.get(i).get("ppo_kl") > 0, "update " + (i + 1) + ": " + rows.get(i));
    }
    assertTrue(rows.get(2).get("clip_ratio/region_mean") > 0, "clipping acts on the third pass: " + rows);
    assertEquals(rows.get(2).get("clip_ratio/low_mean") + rows.get(2).get("clip_ratio/high_mean"),
        rows.get(2).get("clip_ratio/region_mean"), 1e-12);
  }

  /**
   * GRPO with LoRA adapters and a KL term: the reference is the same base with the adapters off (no second model).
   * LoRA's B starts at 0, so at the first update policy = reference and the KL is exactly 0; once the adapters have
   * moved the KL is positive. A reference that kept the adapters on would give 0 at every update.
   */
  @Test
  @Timeout(300)
  void loraGrpoMeasuresTheKlAgainstTheBaseWithAdaptersOff() throws Exception {
    Path config = ConfigVariant.write("grpo-tiny.json", dir, "lora.json", Map.of(
        "model", TinyModels.arithSft().toString(), "steps", 3,
        "lora", Map.of("r", 4, "alpha", 16, "dropout", 0.0, "target_modules", List.of("q_proj", "v_proj", "up_proj")),
        "training.learning_rate", 5e-3));
    Path out = dir.resolve("lora");
    Cli r = Cli.run("run", config.toString(), "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("final/adapter_model.safetensors")), "final/ is the adapter folder");
    List<Map<String, Double>> rows = MetricsLog.read(out.resolve("metrics.jsonl"));
    assertEquals(3, rows.size());
    assertEquals(0.0, rows.get(0).get("kl"), 0.0, "adapters start at B = 0: policy = reference");
    assertTrue(rows.get(0).get("grad_norm") > 0, "the adapters get gradients: " + rows.get(0));
    assertTrue(rows.get(2).get("kl") > 0, "the trained adapters move the policy away from the base: " + rows);
  }

  @Test
  @Timeout(300)
  void theDapoPresetRunsWithDynamicSamplingAndItsMetrics() throws Exception {
    Path config = ConfigVariant.write("grpo-dapo-tiny.json", dir, "dapo.json",
        Map.of("model", TinyModels.arithSft().toString()));
    List<Map<String, Double>> rows = run(config, "dapo");
    assertEquals(4, rows.size());
    // two mini-batches per generation: updates 1 and 3 generate, 2 and 4 reuse (and are off-policy)
    for (int i : new int[] {0, 2}) {
      Map<String, Double> row = rows.get(i);
      double rounds = row.get("num_gen_batches");
      assertTrue(rounds >= 1 && rounds <= 8, "rounds " + rounds);
      assertTrue(row.get("frac_reward_zero_std") >= 0 && row.get("frac_reward_zero_std") <= 1);
      assertTrue(row.containsKey("completions/clipped_ratio") && row.containsKey("entropy"), "" + row);
      assertFalse(row.containsKey("kl"), "no reference: DAPO has no KL term");
    }
    for (int i : new int[] {1, 3}) {
      assertFalse(rows.get(i).containsKey("num_gen_batches"));
    }
  }

  /**
   * The shipped code config on the problems the tiny code model has learned (its model, prompt file and sizes
   * changed): completions run in the sandbox against the prompts' tests, and the rewards train the policy.
   */
  @Test
  @Timeout(600)
  void aCodeRewardRunTrainsOnSandboxRewards() throws Exception {
    Path prompts = TinyModels.firstLines(Path.of("../configs/data/code-prompts.jsonl"), TinyModels.CODE_PROBLEMS,
        dir.resolve("code-prompts.jsonl"));
    Path config = ConfigVariant.write("grpo-code.json", dir, "code.json", Map.of(
        "model", TinyModels.codeSft().toString(), "train_file", prompts.toString(), "steps", 2,
        "rollout.group_size", 4, "rollout.max_new_tokens", 48, "training.per_device_batch_size", 2,
        "training.gradient_accumulation_steps", 1, "training.learning_rate", 1e-4, "training.save_steps", 1000));
    List<Map<String, Double>> rows = run(config, "code");
    assertEquals(2, rows.size());
    for (Map<String, Double> row : rows) {
      // the reward is the fraction of a prompt's tests passed in the sandbox; passed = all of them
      assertTrue(row.get("reward") > 0 && row.get("reward") <= 1, "sandbox rewards: " + row);
      assertTrue(row.get("accuracy") <= row.get("reward") + 1e-12, "" + row);
    }
    assertTrue(rows.stream().anyMatch(r -> r.get("reward_std") > 0 && r.get("grad_norm") > 0),
        "some group mixes passing and failing code, so the update has a gradient: " + rows);
  }
}
