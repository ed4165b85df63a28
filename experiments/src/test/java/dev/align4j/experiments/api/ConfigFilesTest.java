package dev.align4j.experiments.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.BadInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.recipes.CdrExperiment;
import dev.align4j.experiments.recipes.DpoExperiment;
import dev.align4j.experiments.recipes.SftExperiment;
import dev.align4j.losses.SigmoidConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Config files are read strictly and by structure: every error names the file and line (or the command-line
 * override) and the dotted field; overrides are validated exactly like the file; declared defaults are filled in.
 */
class ConfigFilesTest {
  @TempDir Path dir;

  private Path sftConfig(String from, String to) throws Exception {
    String json = Files.readString(Path.of("../configs/sft-tiny.json"));
    if (!from.isEmpty()) {
      assertTrue(json.contains(from), "the edit applies: " + from);
      json = json.replace(from, to);
    }
    return Files.writeString(dir.resolve("sft.json"), json);
  }

  private BadInputException fails(Path file, String... overrides) {
    return assertThrows(BadInputException.class,
        () -> ConfigFiles.read(file, Arrays.stream(overrides).map(ConfigOverride::parse).toList()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "string for a number|`\"learning_rate\": 0.001`|`\"learning_rate\": \"0.001\"`|9|training.learning_rate|expected a number, got \"0.001\"",
    "fraction for an integer|`\"epochs\": 1`|`\"epochs\": 1.5`|7|epochs|expected an integer, got 1.5",
    "number for a boolean|`\"seed\": 42`|`\"seed\": 42, \"skip_nonfinite_steps\": 1`|25|training.skip_nonfinite_steps|expected true or false, got 1",
    "unknown nested field|`\"beta2\": 0.999`|`\"beta_2\": 0.999`|16|training.optimizer.beta_2|unknown field (allowed: beta1, beta2, epsilon, weight_decay)",
    "missing field|`\"max_length\": 32,`|``|1|max_length|missing",
    "null|`\"max_length\": 32`|`\"max_length\": null`|6|max_length|must not be null",
    "range (InvalidConfigException.field)|`\"warmup_ratio\": 0.03`|`\"warmup_ratio\": 1.5`|12|training.schedule.warmup_ratio|warmup_ratio must be in [0, 1), got 1.5",
    "record-level range|`\"epochs\": 1`|`\"epochs\": 0`|7|epochs|epochs must be >= 1, got 0",
    "unknown schedule type|`\"type\": \"linear\"`|`\"type\": \"linearr\"`|11|training.schedule.type|unknown learning-rate schedule 'linearr' (known: constant, cosine, linear;",
  })
  void fileErrorsNameFileLineAndField(String what, String from, String to, int line, String field, String message)
      throws Exception {
    Path file = sftConfig(from, to);
    BadInputException e = fails(file);
    assertEquals(field, e.field(), what + ": " + e.getMessage());
    assertEquals(line, e.line(), what + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith(file + ":" + line + ": field '" + field + "': "), e.getMessage());
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
  }

  @Test
  void duplicateKeysAndTrailingContentAreMalformedJson() throws Exception {
    BadInputException dup = fails(sftConfig("\"epochs\": 1,", "\"epochs\": 1, \"epochs\": 2,"));
    assertEquals(7, dup.line());
    assertTrue(dup.getMessage().contains("malformed JSON: Duplicate field 'epochs'"), dup.getMessage());

    BadInputException trailing = fails(Files.writeString(dir.resolve("t.json"),
        Files.readString(Path.of("../configs/sft-tiny.json")) + "{}"));
    assertTrue(trailing.getMessage().contains("malformed JSON"), trailing.getMessage());
  }

  @Test
  void aByteOrderMarkIsAcceptedAndBadBytesNameTheirLine() throws Exception {
    byte[] text = Files.readAllBytes(Path.of("../configs/sft-tiny.json"));
    Path bom = dir.resolve("bom.json");
    byte[] withBom = new byte[text.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(text, 0, withBom, 3, text.length);
    Files.write(bom, withBom);
    assertEquals("sft", ConfigFiles.read(bom).experiment().name());

    Path latin1 = Files.write(dir.resolve("latin1.json"), Files.readString(Path.of("../configs/sft-tiny.json"))
        .replace("\"tulu\"", "\"tul\u00e9\"").getBytes(StandardCharsets.ISO_8859_1));
    BadInputException e = fails(latin1);
    assertEquals(5, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
  }

  @Test
  void defaultsAreFilledInAndWrittenToTheResolvedConfig() throws Exception {
    ConfigFiles.Bound<?> bound = ConfigFiles.read(sftConfig("", ""));
    SftExperiment.Config c = (SftExperiment.Config) bound.config();
    assertFalse(c.training().skipNonfiniteSteps());
    assertFalse(bound.toJson().path("training").path("skip_nonfinite_steps").asBoolean(true));
    assertTrue(bound.toJson().path("training").has("skip_nonfinite_steps"), "the resolved config shows the default");
  }

  /**
   * {@code reference_logprobs} (folders precomputed by {@code spark ref-logprobs}) is optional in the DPO-family
   * configs: configs written before it existed (and plug-in examples) still load, with {@code []}; given folders
   * resolve against the config file's folder like every path.
   */
  @Test
  void referenceLogprobsDefaultsToNoneAndResolvesRelativeFolders() throws Exception {
    for (String name : List.of("dpo-tiny", "cdr-tiny")) {
      ObjectNode c = (ObjectNode) Jsonl.MAPPER.readTree(Files.readString(Path.of("../configs/" + name + ".json")));
      c.remove("reference_logprobs");
      Path sub = Files.createDirectories(dir.resolve(name));
      for (String path : List.of("model", "strong_model", "weak_model", "train_file", "prompts_file")) {
        if (c.has(path)) { // the shipped config's paths, now from another folder
          c.put(path, Path.of("../configs").resolve(c.get(path).asText()).toAbsolutePath().normalize().toString());
        }
      }
      Path file = Files.writeString(sub.resolve("config.json"), Jsonl.MAPPER.writeValueAsString(c));
      ConfigFiles.Bound<?> bound = ConfigFiles.read(file);
      List<?> refs = bound.config() instanceof DpoExperiment.Config d ? d.referenceLogprobs()
          : ((CdrExperiment.Config) bound.config()).referenceLogprobs();
      assertEquals(List.of(), refs, name);
      assertTrue(bound.toJson().path("reference_logprobs").isArray(), name + ": the resolved config shows the default");

      c.putArray("reference_logprobs").add("ref-out");
      Files.writeString(file, Jsonl.MAPPER.writeValueAsString(c));
      ConfigFiles.Bound<?> given = ConfigFiles.read(file);
      refs = given.config() instanceof DpoExperiment.Config d ? d.referenceLogprobs()
          : ((CdrExperiment.Config) given.config()).referenceLogprobs();
      assertEquals(List.of(sub.resolve("ref-out")), refs.stream().map(r -> ((Path) r).normalize()).toList(), name);
    }
  }

  @Test
  void overridesApplyInOrderAndParseAsJsonOrString() throws Exception {
    Path file = Files.writeString(dir.resolve("dpo.json"), Files.readString(Path.of("../configs/dpo-tiny.json")));
    ConfigFiles.Bound<?> bound = ConfigFiles.read(file, List.of(
        ConfigOverride.parse("training.learning_rate=1e-6"),
        ConfigOverride.parse("loss={\"type\": \"sigmoid\", \"beta\": 0.5, \"label_smoothing\": 0.1}"),
        ConfigOverride.parse("loss.beta=0.25"),
        ConfigOverride.parse("chat_template=llama3"),
        ConfigOverride.parse("training.skip_nonfinite_steps=true")));
    DpoExperiment.Config c = (DpoExperiment.Config) bound.config();
    assertEquals(1e-6, c.training().learningRate());
    assertEquals(new SigmoidConfig(0.25, 0.1), c.loss());
    assertEquals("llama3", c.chatTemplate());
    assertTrue(c.training().skipNonfiniteSteps());
    assertEquals(5, bound.overrides().size());
    JsonNode json = bound.toJson();
    assertEquals(1e-6, json.path("training").path("learning_rate").asDouble());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "not a number|loss.beta=x|loss.beta|expected a number, got \"x\"",
    "out of range|loss.beta=-1|loss.beta|beta must be finite and > 0",
    "unknown field|training.lr=1|training.lr|unknown field",
    "unknown loss type|loss.type=kto|loss.type|unknown loss type 'kto'",
    "fraction for an integer|epochs=1.5|epochs|expected an integer, got 1.5",
    "through a scalar|epochs.x=1|epochs|is not an object in the config",
  })
  void overrideErrorsNameTheOverrideAsTheirSource(String what, String override, String field, String message)
      throws Exception {
    Path file = Files.writeString(dir.resolve("dpo.json"), Files.readString(Path.of("../configs/dpo-tiny.json")));
    BadInputException e = fails(file, override);
    assertEquals(field, e.field(), what + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith("override '" + override + "': field '" + field + "': "), e.getMessage());
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
  }

  @Test
  void aMalformedOverrideIsRefused() {
    BadInputException e = assertThrows(BadInputException.class, () -> ConfigOverride.parse("=3"));
    assertEquals("override '=3': expected key=value with a dotted key, e.g. training.learning_rate=1e-6",
        e.getMessage());
    assertTrue(ConfigOverride.looksLikeOne("training.seed=1"));
    assertFalse(ConfigOverride.looksLikeOne("configs/a=b.json"));
  }

  @Test
  void pathsFromTheFileResolveAgainstItsFolderAndFromOverridesAgainstTheWorkingDirectory() throws Exception {
    Path file = sftConfig("", "");
    SftExperiment.Config fromFile = (SftExperiment.Config) ConfigFiles.read(file).config();
    assertEquals(dir.resolve("data/arith-sft.jsonl").toAbsolutePath().normalize(), fromFile.trainFile());

    SftExperiment.Config fromOverride = (SftExperiment.Config) ConfigFiles.read(file,
        List.of(ConfigOverride.parse("train_file=data/other.jsonl"))).config();
    assertEquals(Path.of("data/other.jsonl").toAbsolutePath().normalize(), fromOverride.trainFile());
  }

  @Test
  void laterChecksOfAFieldNameTheFileLineOrTheOverride() throws Exception {
    Path file = sftConfig("", "");
    BadInputException inFile = ConfigFiles.error(file, List.of(), "train_file", "no such file");
    assertEquals(file + ":4: field 'train_file': no such file", inFile.getMessage());
    BadInputException inOverride = ConfigFiles.error(file, List.of(ConfigOverride.parse("train_file=x.jsonl")),
        "train_file", "no such file");
    assertEquals("override 'train_file=x.jsonl': field 'train_file': no such file", inOverride.getMessage());
    ConfigFiles.Bound<?> bound = ConfigFiles.read(file);
    String trainFile = ((SftExperiment.Config) bound.config()).trainFile().toString();
    assertEquals(java.util.Optional.of("train_file"), ConfigFiles.fieldHolding(bound.toJson(), trainFile));
  }
}
