package dev.align4j.app.run;

import dev.align4j.experiments.run.CheckpointStore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.app.Cli;
import dev.align4j.app.ConfigVariant;
import dev.align4j.app.TinyModels;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run interrupted at update k and resumed equals the uninterrupted run: same metrics, same weights. */
class ResumeTest {
  @TempDir Path dir;

  private void assertResumeEqualsUninterrupted(String config, int stopAt) throws Exception {
    assertResumeEqualsUninterrupted(Path.of("../configs", config + ".json"), stopAt);
  }

  private void assertResumeEqualsUninterrupted(Path configFile, int stopAt) throws Exception {
    String config = configFile.getFileName().toString();
    Path whole = dir.resolve(config + "-whole");
    Path parts = dir.resolve(config + "-parts");
    Cli uninterrupted = Cli.run("run", configFile.toString(), "--out", whole.toString());
    assertEquals(0, uninterrupted.exitCode(), uninterrupted.err());
    Cli first = Cli.run("run", configFile.toString(), "--out", parts.toString(),
        "--stop-at-step", Integer.toString(stopAt));
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(!Files.exists(parts.resolve("final")), "an interrupted run has no final model");
    assertEquals(stopAt, Files.readAllLines(parts.resolve("metrics.jsonl")).size());

    Cli resumed = Cli.run("run", "--resume", parts.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.err().contains("from step-"), resumed.err());

    List<String> expected = Files.readAllLines(whole.resolve("metrics.jsonl"));
    assertTrue(expected.size() > stopAt, "the run continues past the interruption");
    assertEquals(expected, Files.readAllLines(parts.resolve("metrics.jsonl")), "identical metrics lines");
    assertArrayEquals(Files.readAllBytes(whole.resolve("final/model.safetensors")),
        Files.readAllBytes(parts.resolve("final/model.safetensors")), "identical weights");
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
    List<String> lines = Files.readAllLines(dir.resolve("dapo-mu2.json-parts/metrics.jsonl"));
    assertTrue(lines.get(3).contains("\"clip_ratio/region_mean\"") && !lines.get(3).contains("\"reward\""),
        "update 4 reuses the stored generation: " + lines.get(3));
    assertTrue(lines.get(4).contains("\"num_gen_batches\""), "update 5 generates: " + lines.get(4));
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
