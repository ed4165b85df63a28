package dev.align4j.app.run;

import dev.align4j.experiments.run.CheckpointStore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.align4j.app.Cli;
import dev.align4j.app.ConfigVariant;
import dev.align4j.app.TinyModels;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.lora.LoraModel;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted at update k and resumed equals the uninterrupted run: same metrics, same weights (for LoRA: the
 * same adapter weights, dropout masks included; for LISA: the same layers trained at the same updates).
 */
class ResumeTest {
  private static final String LORA = "lora={\"r\": 4, \"alpha\": 8, \"dropout\": 0.1, "
      + "\"target_modules\": [\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\", "
      + "\"down_proj\"]}";

  @TempDir Path dir;

  private void assertResumeEqualsUninterrupted(String config, int stopAt, String... overrides) throws Exception {
    assertResumeEqualsUninterrupted(Path.of("../configs", config + ".json"), stopAt, "model.safetensors",
        List.of(overrides));
  }

  private void assertResumeEqualsUninterrupted(Path configFile, int stopAt) throws Exception {
    assertResumeEqualsUninterrupted(configFile, stopAt, "model.safetensors", List.of());
  }

  private void assertResumeEqualsUninterrupted(String config, int stopAt, String weights, List<String> overrides)
      throws Exception {
    assertResumeEqualsUninterrupted(Path.of("../configs", config + ".json"), stopAt, weights, overrides);
  }

  private void assertResumeEqualsUninterrupted(Path configFile, int stopAt, String weights, List<String> overrides)
      throws Exception {
    String config = configFile.getFileName().toString().replaceFirst("\\.json$", "");
    Path whole = dir.resolve(config + "-whole");
    Path parts = dir.resolve(config + "-parts");
    String[] o = overrides.toArray(String[]::new);
    Cli uninterrupted = Cli.run(args(configFile, whole, o));
    assertEquals(0, uninterrupted.exitCode(), uninterrupted.err());
    Cli first = Cli.run(Stream.concat(Arrays.stream(args(configFile, parts, o)),
        Stream.of("--stop-at-step", Integer.toString(stopAt))).toArray(String[]::new));
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(!Files.exists(parts.resolve("final")), "an interrupted run has no final model");
    assertEquals(stopAt, Files.readAllLines(parts.resolve("metrics.jsonl")).size());

    Cli resumed = Cli.run("run", "--resume", parts.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.err().contains("from step-"), resumed.err());

    List<String> expected = Files.readAllLines(whole.resolve("metrics.jsonl"));
    assertTrue(expected.size() > stopAt, "the run continues past the interruption");
    assertEquals(expected, Files.readAllLines(parts.resolve("metrics.jsonl")), "identical metrics lines");
    assertArrayEquals(Files.readAllBytes(whole.resolve("final").resolve(weights)),
        Files.readAllBytes(parts.resolve("final").resolve(weights)), "identical weights");
  }

  private static String[] args(String config, Path out, String... overrides) {
    return args(Path.of("../configs", config + ".json"), out, overrides);
  }

  private static String[] args(Path configFile, Path out, String... overrides) {
    List<String> a = new ArrayList<>(List.of("run", configFile.toString()));
    a.addAll(List.of(overrides));
    a.addAll(List.of("--out", out.toString()));
    return a.toArray(String[]::new);
  }

  @Test
  void sftResumedAtStepTwoEqualsUninterrupted() throws Exception {
    assertResumeEqualsUninterrupted("sft-tiny", 2);
  }

  @Test
  void grpoResumedAtStepTwoSamplesAndTrainsTheSame() throws Exception {
    assertResumeEqualsUninterrupted("grpo-tiny", 2);
  }

  /**
   * DAPO with two passes over each generation (4 updates per generation) stopped after update 3: the checkpoint holds
   * the generation's batch, and the resumed run trains on it exactly as the uninterrupted run did.
   */
  @Test
  @Timeout(300)
  void grpoResumedInsideAGenerationCycleContinuesWithTheStoredBatch() throws Exception {
    Path config = ConfigVariant.write("grpo-dapo-tiny.json", dir, "dapo-mu2.json", Map.of(
        "model", TinyModels.arithSft().toString(), "steps", 6, "rollout.num_iterations", 2,
        "policy_loss.entropy_coef", 0.01, "training.save_steps", 100));
    assertResumeEqualsUninterrupted(config, 3);
    List<String> lines = Files.readAllLines(dir.resolve("dapo-mu2-parts/metrics.jsonl"));
    assertTrue(lines.get(3).contains("\"clip_ratio/region_mean\"") && !lines.get(3).contains("\"reward\""),
        "update 4 reuses the stored generation: " + lines.get(3));
    assertTrue(lines.get(4).contains("\"num_gen_batches\""), "update 5 generates: " + lines.get(4));
  }

  @Test
  void loraDpoResumedAtStepTwoRestoresAdaptersAndOptimizerExactly() throws Exception {
    assertResumeEqualsUninterrupted("dpo-tiny", 2, "adapter_model.safetensors", List.of(LORA));
    Path parts = dir.resolve("dpo-tiny-parts");
    Path checkpoint = new CheckpointStore(parts.resolve("checkpoints"), 2).latest().orElseThrow();
    try (Stream<Path> files = Files.list(checkpoint)) {
      assertEquals(List.of("adapter_config.json", "adapter_model.safetensors", "manifest.json", "optimizer.bin",
          "trainer_state.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "a LoRA checkpoint holds the adapter folder, not the model");
    }
    String manifest = Files.readString(checkpoint.resolve("manifest.json"));
    assertTrue(manifest.contains("\"adapter_model.safetensors\"") && manifest.contains("\"adapter_config.json\""),
        "the manifest covers the adapter files: " + manifest);
    try (Stream<Path> files = Files.list(parts.resolve("final"))) {
      assertEquals(List.of("adapter_config.json", "adapter_model.safetensors"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "final/ is the PEFT adapter folder");
    }
    // final/ loads back onto the base as the trained policy (the last checkpoint holds the same adapters), and the
    // adapters trained
    Path base = Path.of("../models/tiny-arith");
    float[] untrained;
    try (LlamaModel model = LlamaModel.load(base, LoadOptions.cpu())) {
      untrained = logProbs(model);
    }
    float[] fromFinal;
    try (LlamaModel model = LlamaModel.load(base, LoadOptions.cpu());
        LoraModel lora = LoraModel.load(model, parts.resolve("final"))) {
      fromFinal = logProbs(model);
    }
    try (LlamaModel model = LlamaModel.load(base, LoadOptions.cpu());
        LoraModel lora = LoraModel.load(model, parts.resolve("checkpoints/step-00000004"))) {
      assertArrayEquals(fromFinal, logProbs(model), 0f, "final/ = the adapters of the last update");
    }
    assertTrue(!Arrays.equals(untrained, fromFinal), "the adapters changed the policy");
  }

  private static float[] logProbs(LlamaModel model) {
    SequenceBatch batch = SequenceBatch.rightPadded(List.of(new int[] {1, 20, 31, 7, 12, 9}), new int[] {2}, 0);
    try (NDManager scope = model.manager().newSubManager()) {
      return TokenLogProbs.compute(model, batch, scope).perToken().toFloatArray();
    }
  }

  @Test
  void aCheckpointWhoseAdapterWeightsWereAlteredIsRefused() throws Exception {
    Path run = dir.resolve("lora-altered");
    Cli first = Cli.run(Stream.concat(Arrays.stream(args("dpo-tiny", run, LORA)),
        Stream.of("--stop-at-step", "2")).toArray(String[]::new));
    assertEquals(0, first.exitCode(), first.err());
    Path adapter = run.resolve("checkpoints/step-00000002/adapter_model.safetensors");
    byte[] bytes = Files.readAllBytes(adapter);
    bytes[bytes.length - 1] ^= 1;
    Files.write(adapter, bytes);
    Cli resumed = Cli.run("run", "--resume", run.toString());
    assertEquals(2, resumed.exitCode(), resumed.err());
    assertTrue(resumed.err().contains(adapter + ": does not match checkpoint step-00000002's manifest"),
        resumed.err());
  }

  @Test
  void lisaResumedAtAnIntervalBoundaryTrainsTheSameLayers() throws Exception {
    assertResumeEqualsUninterrupted("sft-tiny", 2, "lisa={\"active_layers\": 1, \"interval\": 2}");
  }

  @Test
  void killedRunLeavesItsLastCompleteCheckpointLoadable() throws Exception {
    Path run = dir.resolve("killed");
    assertEquals(0, Cli.run("run", "../configs/dpo-tiny.json", "--out", run.toString(), "--stop-at-step", "2")
        .exitCode());
    // what a kill during the next save leaves behind: a half-written temporary directory
    Path checkpoints = run.resolve("checkpoints");
    Path partial = Files.createDirectories(checkpoints.resolve(".tmp-step-123"));
    Files.write(partial.resolve("model.safetensors"), new byte[] {1, 2, 3});

    Path latest = new CheckpointStore(checkpoints, 2).latest().orElseThrow();
    assertEquals("step-00000002", latest.getFileName().toString());
    assertEquals(2, CheckpointStore.readState(latest).step());
    try (LlamaModel model = LlamaModel.load(latest, LoadOptions.cpu())) {
      assertTrue(model.parameterCount() > 0);
    }
    Cli resumed = Cli.run("run", "--resume", run.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(Files.isRegularFile(run.resolve("final/model.safetensors")));
  }
}
