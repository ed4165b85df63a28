package dev.align4j.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.app.Cli;
import dev.align4j.core.Jsonl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ./align4j loss} in-process: numbers against closed forms, and every bad input → exit 2, nothing written. */
class LossCommandTest {
  @TempDir Path dir;

  private Cli run(String configJson, String... pairLines) throws IOException {
    Path config = dir.resolve("loss.json");
    Files.writeString(config, configJson);
    Files.writeString(dir.resolve("pairs.jsonl"), String.join("\n", pairLines) + "\n");
    return Cli.run("loss", "--config", config.toString(), "--input", dir.resolve("pairs.jsonl").toString(),
        "--output", dir.resolve("out.jsonl").toString());
  }

  private List<JsonNode> output() throws IOException {
    return Jsonl.read(dir.resolve("out.jsonl")).stream().map(l -> (JsonNode) l.node()).toList();
  }

  private static double[] doubles(JsonNode array) {
    double[] v = new double[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).asDouble();
    }
    return v;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  // Pair "a": chosen Σ = −0.5 − 1.5 = −2 (2 tokens), rejected Σ = −6 (3 tokens), ref chosen Σ = −4, ref rejected
  // Σ = −3: summed margin 2 − (−3) = 5, averaged margin (−1 + 2) − (−2 + 1) = 2.
  private static final String PAIR_A = "{\"id\":\"a\",\"chosen\":[-0.5,-1.5],\"rejected\":[-1,-2,-3],"
      + "\"ref_chosen\":[-2,-2],\"ref_rejected\":[-1,-1,-1]}";
  // Pair 7 (integer id): policy equal to reference, so margin 0 and the sigmoid loss is ln 2.
  private static final String PAIR_7 = "{\"id\":7,\"chosen\":[-1],\"rejected\":[-2,-2],"
      + "\"ref_chosen\":[-1],\"ref_rejected\":[-2,-2]}";

  @Test
  void sigmoidMatchesTheClosedForm() throws IOException {
    Cli r = run("{\"type\":\"sigmoid\",\"beta\":0.1}", PAIR_A, PAIR_7);
    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> out = output();
    assertEquals("a", out.get(0).get("id").asText());
    assertEquals(7, out.get(1).get("id").asInt());
    double z = 0.1 * 5;
    // loss = softplus(−z); d loss / d(each chosen token) = −β·σ(−z), rejected tokens +β·σ(−z)
    assertEquals(Math.log1p(Math.exp(-z)), out.get(0).get("loss").asDouble(), 1e-12);
    assertEquals(0.1 * 2, out.get(0).get("chosen_reward").asDouble(), 1e-12);
    assertEquals(0.1 * -3, out.get(0).get("rejected_reward").asDouble(), 1e-12);
    double g = 0.1 * sigmoid(-z);
    assertArrayEquals(new double[] {-g, -g}, doubles(out.get(0).get("grad_chosen")), 1e-12);
    assertArrayEquals(new double[] {g, g, g}, doubles(out.get(0).get("grad_rejected")), 1e-12);
    assertEquals(Math.log(2), out.get(1).get("loss").asDouble(), 1e-12);
    JsonNode summary = Jsonl.MAPPER.readTree(r.out());
    assertEquals(2, summary.get("pairs").asInt());
    assertEquals((Math.log1p(Math.exp(-z)) + Math.log(2)) / 2, summary.get("loss").asDouble(), 1e-12);
    assertEquals(0.5, summary.get("rewards/accuracies").asDouble(), 1e-12);
  }

  @Test
  void dpoNormAveragesOverTokens() throws IOException {
    Cli r = run("{\"type\":\"dpo_norm\",\"beta\":5}", PAIR_A);
    assertEquals(0, r.exitCode(), r.err());
    JsonNode line = output().get(0);
    double z = 5 * 2;
    assertEquals(Math.log1p(Math.exp(-z)), line.get("loss").asDouble(), 1e-12);
    assertEquals(5 * 1.0, line.get("chosen_reward").asDouble(), 1e-12);
    // each chosen token moves the chosen mean by 1/2, each rejected token the rejected mean by 1/3
    double g = 5 * sigmoid(-z);
    assertArrayEquals(new double[] {-g / 2, -g / 2}, doubles(line.get("grad_chosen")), 1e-12);
    assertArrayEquals(new double[] {g / 3, g / 3, g / 3}, doubles(line.get("grad_rejected")), 1e-12);
  }

  @Test
  void simpoNeedsNoReferenceAndAddsTheSftTerm() throws IOException {
    Cli r = run("{\"type\":\"simpo\",\"beta\":2,\"gamma\":0.5,\"sft_weight\":0.2}",
        "{\"id\":\"s\",\"chosen\":[-0.5,-1.5],\"rejected\":[-1,-2,-3]}");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode line = output().get(0);
    // means −1 and −2: z = 2·1 − 0.5 = 1.5; loss = softplus(−1.5) + 0.2·1; rewards = β·mean
    double z = 1.5;
    assertEquals(Math.log1p(Math.exp(-z)) + 0.2, line.get("loss").asDouble(), 1e-12);
    assertEquals(-2.0, line.get("chosen_reward").asDouble(), 1e-12);
    assertEquals(-4.0, line.get("rejected_reward").asDouble(), 1e-12);
    double g = (-2 * sigmoid(-z) - 0.2) / 2;
    assertArrayEquals(new double[] {g, g}, doubles(line.get("grad_chosen")), 1e-12);
  }

  /**
   * β = 0.1 and each type's defaults (robust: ε = 0.1; exo_pair: ε = 1e-3; discopop: τ = 0.05; simpo: γ = 0.5).
   * Expected losses evaluated with python3's math module from the formulas in losses' LossSpecTest (softplus(x) =
   * log1p(exp(x))), independently of this code; pair "a" is LossSpecTest's pair, so its column repeats those
   * values (simpo differs: β 0.1, γ 0.5 give z = 0.1·1 − 0.5 = −0.4, softplus(0.4)). Pair 7 has margin 0.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "sigmoid   | 0.4740769841801067  | 0.6931471805599453",
    "dpo_norm  | 0.5981388693815918  | 0.6931471805599453",
    "ipo       | 9.0                 | 25.0",
    "hinge     | 0.5                 | 1.0",
    "robust    | 0.41157698418010663 | 0.6931471805599452",
    "exo_pair  | 1.9457340001101657  | 2.761230709097915",
    "nca_pair  | 1.2743859263066513  | 1.3862943611198906",
    "sppo_hard | 13.0                | 50.0",
    "apo_zero  | 0.8757234858758631  | 1.0",
    "apo_down  | 0.9273746661106234  | 1.0",
    "discopop  | 0.6065246465980625  | 0.8465735902799727",
    "simpo     | 0.9130152523999526  | 0.9130152523999526"
  })
  void everyTypeGivesItsClosedFormLoss(String type, double lossA, double loss7) throws IOException {
    String extra = type.equals("robust") ? ",\"label_smoothing\":0.1" : "";
    Cli r = run("{\"type\":\"" + type + "\",\"beta\":0.1" + extra + "}", PAIR_A, PAIR_7);
    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> out = output();
    assertEquals(2, out.size());
    assertEquals(lossA, out.get(0).get("loss").asDouble(), 1e-12 * Math.max(1, lossA), "pair a");
    assertEquals(loss7, out.get(1).get("loss").asDouble(), 1e-12 * Math.max(1, loss7), "pair 7");
    for (JsonNode line : out) {
      assertEquals(line.get("id").asText().equals("a") ? 2 : 1, line.get("grad_chosen").size());
    }
  }

  @Test
  void rangeErrorsPointAtTheLineOfTheField() throws IOException {
    Cli r = run("{\n  \"type\": \"sigmoid\",\n  \"beta\": 0.1,\n  \"label_smoothing\": 0.7\n}\n", PAIR_7);
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("loss.json:4: field 'label_smoothing': label_smoothing must be in [0.0, 0.5)"), r.err());
    assertFalse(Files.exists(dir.resolve("out.jsonl")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "bad JSON line|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[-1],`|pairs.jsonl:2:",
    "NaN|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[NaN],\"rejected\":[-1],\"ref_chosen\":[-1],\"ref_rejected\":[-1]}`|pairs.jsonl:2:",
    "string in array|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[\"a\"],\"rejected\":[-1],\"ref_chosen\":[-1],\"ref_rejected\":[-1]}`|pairs.jsonl:2: field 'chosen[0]'",
    "missing ref|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1],\"ref_chosen\":[-1]}`|pairs.jsonl:2: field 'ref_rejected'",
    "missing id|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"chosen\":[-1],\"rejected\":[-1],\"ref_chosen\":[-1],\"ref_rejected\":[-1]}`|pairs.jsonl:2: field 'id'",
    "empty completion|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[],\"rejected\":[-1],\"ref_chosen\":[],\"ref_rejected\":[-1]}`|pairs.jsonl:2: field 'chosen'",
    "ref length|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1],\"ref_chosen\":[-1,-2],\"ref_rejected\":[-1]}`|pairs.jsonl:2: field 'ref_chosen'",
    "unknown pair field|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1],\"ref_chosen\":[-1],\"ref_rejected\":[-1],\"weight\":2}`|pairs.jsonl:2: field 'weight'",
    "unknown type|{\"type\":\"kto\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1]}`|loss.json:1: field 'type'",
    "missing beta|{\"type\":\"ipo\"}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1]}`|loss.json:1: field 'beta'",
    "bad range|{\"type\":\"sigmoid\",\"beta\":0.1,\"label_smoothing\":0.7}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1]}`|loss.json:1: field 'label_smoothing'",
    "unknown config field|{\"type\":\"ipo\",\"beta\":0.1,\"gamma\":1}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1]}`|loss.json:1: field 'gamma'",
    "config NaN|{\"type\":\"ipo\",\"beta\":NaN}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1]}`|loss.json:1:",
    "config string for a number|{\"type\":\"ipo\",\"beta\":\"0.1\"}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1]}`|loss.json:1: field 'beta': expected a number, got \"0.1\"",
    "config duplicate key|{\"type\":\"ipo\",\"beta\":0.1,\"beta\":0.2}|`{\"id\":\"x\",\"chosen\":[-1],\"rejected\":[-1]}`|loss.json:1: malformed JSON: Duplicate field 'beta'",
    "pair duplicate key|{\"type\":\"ipo\",\"beta\":0.1}|`{\"id\":\"x\",\"id\":\"y\",\"chosen\":[-1],\"rejected\":[-1]}`|pairs.jsonl:2: malformed JSON: Duplicate field 'id'",
    "pair string for a number|{\"type\":\"ipo\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[\"-1\"],\"rejected\":[-1],\"ref_chosen\":[-1],\"ref_rejected\":[-1]}`|pairs.jsonl:2: field 'chosen[0]': must be a finite number",
    "duplicate id|{\"type\":\"ipo\",\"beta\":0.1}|`{\"id\":7,\"chosen\":[-1],\"rejected\":[-1],\"ref_chosen\":[-1],\"ref_rejected\":[-1]}`|pairs.jsonl:2: field 'id': duplicate id 7 (first on line 1)",
    "reward overflows float64|{\"type\":\"sigmoid\",\"beta\":0.1}|`{\"id\":\"x\",\"chosen\":[1e308,1e308],\"rejected\":[-1],\"ref_chosen\":[-1,-1],\"ref_rejected\":[-1]}`|pairs.jsonl:2: field 'chosen_reward': evaluates to Infinity",
    "loss overflows float64|{\"type\":\"simpo\",\"beta\":2,\"gamma\":1,\"sft_weight\":4}|`{\"id\":\"x\",\"chosen\":[1e308],\"rejected\":[-1]}`|pairs.jsonl:2: field 'loss': evaluates to -Infinity"
  })
  void badInputExitsTwoNamingFileLineFieldAndWritesNothing(String what, String config, String secondLine, String expected)
      throws IOException {
    Cli r = run(config, PAIR_7, secondLine);
    assertEquals(2, r.exitCode(), what + ": " + r.err());
    assertTrue(r.err().contains(expected), what + ": stderr was " + r.err());
    assertEquals(1, r.err().strip().lines().count(), "one message: " + r.err());
    assertFalse(Files.exists(dir.resolve("out.jsonl")), "no output file");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("loss.json", "pairs.jsonl"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
