package dev.align4j.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.align4j.app.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device and dtype of a run are checked before anything is created: a bad spelling, bf16 on the CPU and a GPU
 * that is not there are exit 2 with one message naming the field, and no run directory.
 */
class ModelFieldsRunTest {
  private static final String LORA = "lora={\"r\": 4, \"alpha\": 8, \"dropout\": 0.0, \"target_modules\": "
      + "[\"q_proj\", \"v_proj\"]}";

  @TempDir Path dir;

  @Test
  void loraDpoInBf16OnTheCpuIsRefusedWithTheKnownMessage() throws Exception {
    Path out = dir.resolve("bf16");
    Cli r = Cli.run("run", "../configs/dpo-tiny.json", LORA, "dtype=bf16", "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j run: override 'dtype=bf16': field 'dtype': dtype bf16: fp16/bf16 compute is a GPU path; "
        + "on CPU use fp32 (weights stored in bf16/fp16 are loaded and computed in fp32)", r.err().strip());
    assertFalse(Files.exists(out), "nothing written");

    // the same in the file: the error names its line
    String json = Files.readString(Path.of("../configs/dpo-tiny.json")).replace("\"dtype\": \"fp32\"",
        "\"dtype\": \"bf16\"").replace("\"data/", "\"" + Path.of("../configs/data").toAbsolutePath() + "/")
        .replace("\"../models/", "\"" + Path.of("../models").toAbsolutePath() + "/");
    Path config = Files.writeString(dir.resolve("bf16.json"), json);
    Cli file = Cli.run("run", config.toString(), "--out", out.toString());
    assertEquals(2, file.exitCode(), file.err());
    int line = Files.readAllLines(config).indexOf("  \"dtype\": \"bf16\",") + 1;
    assertTrue(line > 0, "the edited line is in the file");
    assertTrue(file.err().contains(config + ":" + line + ": field 'dtype': dtype bf16: fp16/bf16 compute is a GPU path"),
        file.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void badSpellingsAreExit2NamingTheField() {
    Path out = dir.resolve("bad");
    Cli device = Cli.run("run", "../configs/sft-tiny.json", "device=cuda:0", "--out", out.toString());
    assertEquals(2, device.exitCode(), device.err());
    assertTrue(device.err().contains("field 'device': device must be cpu, gpu or gpu:N (got 'cuda:0')"),
        device.err());
    Cli dtype = Cli.run("run", "../configs/sft-tiny.json", "dtype=float32", "--out", out.toString());
    assertEquals(2, dtype.exitCode(), dtype.err());
    assertTrue(dtype.err().contains("field 'dtype': dtype must be fp32, bf16 or fp16 (got 'float32')"),
        dtype.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void aGpuThatIsNotThereIsAClearErrorNotACpuRun() {
    Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "a machine without a CUDA device");
    Path out = dir.resolve("gpu");
    Cli r = Cli.run("run", "../configs/grpo-tiny.json", "device=gpu", "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("field 'device': device gpu:0: no CUDA device is visible to DJL's PyTorch engine"),
        r.err());
    assertFalse(Files.exists(out), "nothing written, nothing trained on the CPU instead");
  }
}
