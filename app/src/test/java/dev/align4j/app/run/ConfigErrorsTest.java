package dev.align4j.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.app.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigErrorsTest {
  @TempDir Path dir;

  private Cli runWith(String from, String to) throws Exception {
    String json = Files.readString(Path.of("../configs/sft-tiny.json")).replace(from, to);
    assertTrue(!json.equals(Files.readString(Path.of("../configs/sft-tiny.json"))), "the edit applies: " + from);
    Path config = dir.resolve("bad.json");
    Files.writeString(config, json.replace("\"../src/", "\"" + Path.of("src").toAbsolutePath() + "/")
        .replace("\"data/", "\"" + Path.of("../configs/data").toAbsolutePath() + "/"));
    return Cli.run("run", config.toString(), "--out", dir.resolve("run").toString());
  }

  @Test
  void unknownFieldIsExit2NamingTheField() throws Exception {
    Cli r = runWith("\"learning_rate\"", "\"learning_rat\"");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("bad.json:"), r.err());
    assertTrue(r.err().contains("field 'training.learning_rat': unknown field"), r.err());
    assertTrue(!Files.exists(dir.resolve("run").resolve("metrics.jsonl")), "nothing ran");
  }

  @Test
  void badValueIsExit2NamingTheFieldAndRange() throws Exception {
    Cli r = runWith("\"epochs\": 1", "\"epochs\": 0");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("field 'epochs': epochs must be >= 1, got 0"), r.err());

    Cli lr = runWith("\"learning_rate\": 0.001", "\"learning_rate\": -1");
    assertEquals(2, lr.exitCode(), lr.err());
    assertTrue(lr.err().contains("field 'training.learning_rate'"), lr.err());

    Cli schedule = runWith("\"warmup_ratio\": 0.03", "\"warmup_ratio\": 2");
    assertEquals(2, schedule.exitCode(), schedule.err());
    assertTrue(schedule.err().contains("warmup_ratio must be in [0, 1)"), schedule.err());
  }

  @Test
  void missingFieldWrongTypeAndUnknownExperimentAreExit2() throws Exception {
    Cli missing = runWith("\"max_length\": 32,", "");
    assertEquals(2, missing.exitCode(), missing.err());
    assertTrue(missing.err().contains("field 'max_length': missing"), missing.err());

    Cli type = runWith("\"epochs\": 1", "\"epochs\": \"one\"");
    assertEquals(2, type.exitCode(), type.err());
    assertTrue(type.err().contains("field 'epochs'"), type.err());

    Cli unknown = runWith("\"experiment\": \"sft\"", "\"experiment\": \"sfft\"");
    assertEquals(2, unknown.exitCode(), unknown.err());
    assertTrue(unknown.err().contains("field 'experiment': unknown experiment 'sfft'"), unknown.err());
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void generationBudgetsAreRefusedFromAnEstimateBeforeAnythingIsAllocated() throws Exception {
    String grpo = Path.of("../configs/grpo-tiny.json").toString();
    Cli tokens = Cli.run("run", grpo, "rollout.max_new_tokens=2000000000", "--out", dir.resolve("a").toString());
    assertEquals(2, tokens.exitCode(), tokens.err());
    assertEquals("align4j run: override 'rollout.max_new_tokens=2000000000': field 'rollout.max_new_tokens': "
        + "rollout.max_new_tokens must be < the model's max_position_embeddings 4096 (the prompt needs a position "
        + "too), got 2000000000", tokens.err().strip());

    Cli group = Cli.run("run", grpo, "rollout.group_size=1000000", "--out", dir.resolve("b").toString());
    assertEquals(2, group.exitCode(), group.err());
    assertTrue(group.err().startsWith("align4j run: override 'rollout.group_size=1000000': field 'rollout.group_size': "
        + "rollout.group_size is too large: rollout.group_size × training.per_device_batch_size = 4000000 sequences; "
        + "training on 4000000 × 7 tokens needs about "), group.err());
    assertTrue(group.err().contains("more than this machine's"), group.err());
    assertTrue(!Files.exists(dir.resolve("a")) && !Files.exists(dir.resolve("b")), "no run directory");
  }
}
