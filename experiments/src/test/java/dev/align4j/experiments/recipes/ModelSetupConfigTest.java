package dev.align4j.experiments.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.api.ConfigFiles;
import dev.align4j.experiments.api.ConfigOverride;
import dev.align4j.policies.llama.ComputeDevice;
import dev.align4j.policies.llama.ComputeDtype;
import dev.align4j.policies.lora.TargetModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The model fields every recipe shares ({@link ModelSetup}): defaults for configs written before them, the
 * {@code "none"} form of the optional blocks, and errors that name the file, line and dotted field.
 */
class ModelSetupConfigTest {
  private static final String LORA = "{\"r\": 8, \"alpha\": 16, \"dropout\": 0.05, \"target_modules\": "
      + "[\"q_proj\", \"v_proj\"]}";

  @TempDir Path dir;

  private Path dpoConfig(String from, String to) throws Exception {
    String json = Files.readString(Path.of("../configs/dpo-tiny.json"));
    assertTrue(json.contains(from), "the edit applies: " + from);
    return Files.writeString(dir.resolve("dpo.json"), json.replace(from, to));
  }

  @Test
  void configsWithoutTheFieldsReadAsCpuFp32FullFineTuningAndTheResolvedConfigSaysSo() throws Exception {
    Path file = dpoConfig(",\n  \"device\": \"cpu\",\n  \"dtype\": \"fp32\",\n  \"gradient_checkpointing\": false,\n"
        + "  \"lora\": \"none\",\n  \"lisa\": \"none\"\n}", "\n}");
    assertFalse(Files.readString(file).contains("\"device\""), "the old form, without the model fields");
    ConfigFiles.Bound<?> bound = ConfigFiles.read(file);
    ModelSetup setup = ((DpoExperiment.Config) bound.config()).setup();
    assertEquals(ComputeDevice.CPU, setup.compute().device());
    assertEquals(ComputeDtype.FP32, setup.compute().dtype());
    assertFalse(setup.gradientCheckpointing());
    assertEquals(Optional.empty(), setup.lora());
    assertEquals(Optional.empty(), setup.lisa());
    JsonNode resolved = bound.toJson();
    assertEquals("cpu", resolved.get("device").asText());
    assertEquals("fp32", resolved.get("dtype").asText());
    assertFalse(resolved.get("gradient_checkpointing").asBoolean());
    assertEquals("none", resolved.get("lora").asText());
    assertEquals("none", resolved.get("lisa").asText());
  }

  @Test
  void aLoraBlockBindsAndRoundTripsThroughTheResolvedConfig() throws Exception {
    Path file = dpoConfig("\"lora\": \"none\"", "\"lora\": " + LORA);
    ConfigFiles.Bound<?> bound = ConfigFiles.read(file, List.of(ConfigOverride.parse("gradient_checkpointing=true"),
        ConfigOverride.parse("device=gpu:1")));
    ModelSetup setup = ((DpoExperiment.Config) bound.config()).setup();
    LoraSettings lora = setup.lora().orElseThrow();
    assertEquals(8, lora.r());
    assertEquals(16.0, lora.alpha());
    assertEquals(0.05, lora.dropout());
    assertEquals(EnumSet.of(TargetModule.Q_PROJ, TargetModule.V_PROJ), lora.modules());
    assertTrue(setup.gradientCheckpointing());
    assertEquals("gpu:1", setup.compute().deviceName(), "binding does not need the GPU; validate() does");
    Path again = Files.writeString(dir.resolve("again.json"), bound.toJsonString());
    assertEquals(bound.toJson(), ConfigFiles.read(again).toJson(), "config.json reads back to the same config");
    assertEquals(8, bound.toJson().get("lora").get("r").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "unknown device|`\"device\": \"cpu\"`|`\"device\": \"cuda\"`|device|must be cpu, gpu or gpu:N (got 'cuda')",
    "cpu with an index|`\"device\": \"cpu\"`|`\"device\": \"cpu:0\"`|device|cpu takes no index",
    "unknown dtype|`\"dtype\": \"fp32\"`|`\"dtype\": \"float16\"`|dtype|must be fp32, bf16 or fp16 (got 'float16')",
    "bf16 on the CPU|`\"dtype\": \"fp32\"`|`\"dtype\": \"bf16\"`|dtype|bf16: fp16/bf16 compute is a GPU path; on CPU use fp32",
    "fp16 on the CPU|`\"dtype\": \"fp32\"`|`\"dtype\": \"fp16\"`|dtype|fp16: fp16/bf16 compute is a GPU path",
    "misspelt none|`\"lora\": \"none\"`|`\"lora\": \"nope\"`|lora|must be \"none\" or an object, got \"nope\"",
    "null block|`\"lisa\": \"none\"`|`\"lisa\": null`|lisa|must not be null",
    "rank 0|`\"lora\": \"none\"`|`\"lora\": {\"r\": 0, \"alpha\": 16, \"dropout\": 0.0, \"target_modules\": [\"q_proj\"]}`|lora.r|must be >= 1, got 0",
    "alpha 0|`\"lora\": \"none\"`|`\"lora\": {\"r\": 4, \"alpha\": 0, \"dropout\": 0.0, \"target_modules\": [\"q_proj\"]}`|lora.alpha|must be finite and > 0",
    "dropout 1|`\"lora\": \"none\"`|`\"lora\": {\"r\": 4, \"alpha\": 8, \"dropout\": 1.0, \"target_modules\": [\"q_proj\"]}`|lora.dropout|must be in [0.0, 1.0)",
    "negative dropout|`\"lora\": \"none\"`|`\"lora\": {\"r\": 4, \"alpha\": 8, \"dropout\": -0.1, \"target_modules\": [\"q_proj\"]}`|lora.dropout|must be in [0.0, 1.0)",
    "unknown module|`\"lora\": \"none\"`|`\"lora\": {\"r\": 4, \"alpha\": 8, \"dropout\": 0.0, \"target_modules\": [\"q_proj\", \"lm_head\"]}`|lora.target_modules|has 'lm_head'; allowed: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj",
    "no module|`\"lora\": \"none\"`|`\"lora\": {\"r\": 4, \"alpha\": 8, \"dropout\": 0.0, \"target_modules\": []}`|lora.target_modules|must name at least one of",
    "repeated module|`\"lora\": \"none\"`|`\"lora\": {\"r\": 4, \"alpha\": 8, \"dropout\": 0.0, \"target_modules\": [\"q_proj\", \"q_proj\"]}`|lora.target_modules|lists q_proj twice",
    "missing field|`\"lora\": \"none\"`|`\"lora\": {\"r\": 4, \"dropout\": 0.0, \"target_modules\": [\"q_proj\"]}`|lora.alpha|missing",
    "unknown field|`\"lora\": \"none\"`|`\"lora\": {\"rank\": 4, \"r\": 4, \"alpha\": 8, \"dropout\": 0.0, \"target_modules\": [\"q_proj\"]}`|lora.rank|unknown field (allowed: alpha, dropout, r, target_modules)",
    "no active layer|`\"lisa\": \"none\"`|`\"lisa\": {\"active_layers\": 0, \"interval\": 5}`|lisa.active_layers|must be >= 1, got 0",
    "interval 0|`\"lisa\": \"none\"`|`\"lisa\": {\"active_layers\": 1, \"interval\": 0}`|lisa.interval|must be >= 1, got 0",
  })
  void errorsNameFileLineAndField(String what, String from, String to, String field, String message)
      throws Exception {
    Path file = dpoConfig(from, to);
    BadInputException e = assertThrows(BadInputException.class, () -> ConfigFiles.read(file));
    assertEquals(field, e.field(), what + ": " + e.getMessage());
    assertTrue(e.line() > 0, what + ": a line: " + e.getMessage());
    assertTrue(e.getMessage().startsWith(file + ":" + e.line() + ": field '" + field + "': "), e.getMessage());
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
  }

  @Test
  void loraAndLisaTogetherAreRefusedNamingLisa() throws Exception {
    Path file = dpoConfig("\"lora\": \"none\",\n  \"lisa\": \"none\"",
        "\"lora\": " + LORA + ",\n  \"lisa\": {\"active_layers\": 1, \"interval\": 5}");
    BadInputException e = assertThrows(BadInputException.class, () -> ConfigFiles.read(file));
    assertEquals("lisa", e.field(), e.getMessage());
    List<String> lines = Files.readAllLines(file);
    assertEquals(lines.indexOf("  \"lisa\": {\"active_layers\": 1, \"interval\": 5}") + 1, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("cannot be combined with lora"), e.getMessage());
  }

  @Test
  void anOverrideOfAModelFieldIsCheckedLikeTheFile() throws Exception {
    Path file = Path.of("../configs/sft-tiny.json");
    BadInputException e = assertThrows(BadInputException.class,
        () -> ConfigFiles.read(file, List.of(ConfigOverride.parse("dtype=bf16"))));
    assertTrue(e.getMessage().startsWith("override 'dtype=bf16': field 'dtype': "), e.getMessage());
  }
}
