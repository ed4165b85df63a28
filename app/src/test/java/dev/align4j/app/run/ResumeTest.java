package dev.align4j.app.run;

import dev.align4j.experiments.run.CheckpointStore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.app.Cli;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run interrupted at update k and resumed equals the uninterrupted run: same metrics, same weights. */
class ResumeTest {
  @TempDir Path dir;

  private void assertResumeEqualsUninterrupted(String config, int stopAt) throws Exception {
    Path whole = dir.resolve(config + "-whole");
    Path parts = dir.resolve(config + "-parts");
    assertEquals(0, Cli.run("run", "../configs/" + config + ".json", "--out", whole.toString()).exitCode());
    Cli first = Cli.run("run", "../configs/" + config + ".json", "--out", parts.toString(),
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
