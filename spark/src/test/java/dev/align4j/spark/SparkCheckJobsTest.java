package dev.align4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.Jsonl;
import dev.align4j.rewards.math.MathCorpus;
import dev.align4j.rewards.math.MathVerifier;
import dev.align4j.rollouts.Selection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark verify} and {@code spark bon-score} on local[2] against the single-machine path. */
class SparkCheckJobsTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.open(java.util.Optional.of("local[2]"), "align4j tests").session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void mathVerifyIsByteIdenticalToSingleMachine() throws Exception {
    List<String> lines = new ArrayList<>();
    List<MathCorpus.Case> corpus = MathCorpus.load();
    for (int i = 0; i < corpus.size(); i++) {
      ObjectNode o = Jsonl.MAPPER.createObjectNode();
      if (i % 2 == 0) {
        o.put("id", "m" + i);
      } else {
        o.put("id", i);
      }
      o.put("response", corpus.get(i).response());
      o.put("gold", corpus.get(i).gold());
      lines.add(Jsonl.MAPPER.writeValueAsString(o));
      if (i == 10) {
        lines.add(""); // a blank line is skipped by both paths
      }
    }
    Path in = Files.write(dir.resolve("math.jsonl"), lines);
    byte[] single = runBoth("math", in);
    assertEquals(corpus.size(), new String(single).lines().count());
  }

  @Test
  void codeVerifyIsIdenticalToSingleMachineWithTheSandboxInside() throws Exception {
    Path in = Files.write(dir.resolve("code.jsonl"), List.of(
        "{\"id\": \"pass\", \"response\": \"```python\\ndef f(x):\\n    return x + 1\\n```\", "
            + "\"tests\": [\"assert f(1) == 2\", \"assert f(2) == 3\"]}",
        "{\"id\": \"half\", \"response\": \"```python\\ndef f(x):\\n    return 2\\n```\", "
            + "\"tests\": [\"assert f(1) == 2\", \"assert f(2) == 3\"]}",
        "{\"id\": \"none\", \"response\": \"no code here\", \"tests\": [\"assert True\"]}"));
    String out = new String(runBoth("code", in));
    List<JsonNode> rows = out.lines().map(CliRunJson::read).toList();
    assertEquals(List.of("passed", "failed", "no_code"), rows.stream().map(r -> r.get("status").asText()).toList());
    assertEquals(0.5, rows.get(1).get("reward").asDouble());
  }

  @Test
  void badInputExitsTwoNamingFileLineAndFieldLikeSingleMachineAndWritesNothing() throws Exception {
    Path in = Files.write(dir.resolve("bad.jsonl"), List.of(
        "{\"id\": 1, \"response\": \"\\\\boxed{2}\", \"gold\": \"2\"}",
        "",
        "{\"id\": 3, \"response\": \"\\\\boxed{2}\", \"gold\": {\"x\": 1}}",
        "{\"id\": 4, \"response\": 5, \"gold\": \"2\"}"));
    Path sparkOut = dir.resolve("spark.jsonl");
    CliRun s = CliRun.of("spark", "verify", "--checker", "math", "--input", in.toString(), "--output",
        sparkOut.toString(), "--master", "local[2]", "--partitions", "2");
    CliRun m = CliRun.of("verify", "--checker", "math", "--input", in.toString(), "--output",
        dir.resolve("single.jsonl").toString());
    assertEquals(2, s.exit());
    assertTrue(s.stderr().contains(in + ":3: field 'gold': must be a string or a number"), s.stderr());
    assertEquals(m.stderr(), s.stderr());
    assertFalse(Files.exists(sparkOut));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    Path malformed = Files.write(dir.resolve("malformed.jsonl"), List.of("{\"id\": 1,", "{}"));
    CliRun j = CliRun.of("spark", "verify", "--checker", "math", "--input", malformed.toString(), "--output",
        sparkOut.toString());
    assertEquals(2, j.exit());
    assertTrue(j.stderr().contains(malformed + ":1: malformed JSON"), j.stderr());
    assertFalse(Files.exists(sparkOut));
  }

  @Test
  void aByteOrderMarkIsAcceptedByBothPaths() throws Exception {
    byte[] body = ("{\"id\": 1, \"response\": \"\\\\boxed{2}\", \"gold\": \"2\"}\n"
        + "{\"id\": 2, \"response\": \"\\\\boxed{3}\", \"gold\": \"2\"}\n").getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    String out = new String(runBoth("math", Files.write(dir.resolve("bom.jsonl"), withBom)), StandardCharsets.UTF_8);
    assertEquals(2, out.lines().count());
  }

  /**
   * Each case: the same exit code 2 and the same stderr line from {@code spark verify} as from {@code verify}
   * (the Spark job decodes rows itself instead of textFile's silent U+FFFD), and no output.
   */
  @Test
  void undecodableBytesDuplicateIdsAndDuplicateKeysAreReportedExactlyLikeSingleMachine() throws Exception {
    String ok = "{\"id\": %s, \"response\": \"\\\\boxed{2}\", \"gold\": \"2\"}\n";
    byte[] latin1 = (String.format(ok, 1) + String.format(ok, 2) + "{\"id\": 3, \"response\": \"caf\u00e9\", "
        + "\"gold\": \"2\"}\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] duplicateId = (String.format(ok, "\"a\"") + String.format(ok, 7) + String.format(ok, "\"7\"")
        + String.format(ok, 7)).getBytes(StandardCharsets.UTF_8);
    // line 3 repeats id 1 and also has a bad field: the field error wins, as the single-machine loop checks it first
    byte[] tie = (String.format(ok, 1) + "\n" + "{\"id\": 1, \"response\": 5, \"gold\": \"2\"}\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] duplicateKey = (String.format(ok, 1) + "{\"id\": 2, \"id\": 3, \"response\": \"x\", \"gold\": \"2\"}\n")
        .getBytes(StandardCharsets.UTF_8);
    String[][] cases = {
      {"latin1", ":3: not UTF-8: byte 27 of the line is 0xE9"},
      {"duplicate-id", ":4: field 'id': duplicate id 7 (first on line 2)"},
      {"tie", ":3: field 'response': must be a string"},
      {"duplicate-key", ":2: malformed JSON: Duplicate field 'id'"}};
    byte[][] inputs = {latin1, duplicateId, tie, duplicateKey};
    for (int i = 0; i < cases.length; i++) {
      Path in = Files.write(dir.resolve(cases[i][0] + ".jsonl"), inputs[i]);
      Path sparkOut = dir.resolve(cases[i][0] + "-spark.jsonl");
      Path singleOut = dir.resolve(cases[i][0] + "-single.jsonl");
      CliRun m = CliRun.of("verify", "--checker", "math", "--input", in.toString(), "--output", singleOut.toString());
      CliRun s = CliRun.of("spark", "verify", "--checker", "math", "--input", in.toString(), "--output",
          sparkOut.toString(), "--master", "local[2]", "--partitions", "2");
      assertEquals(2, m.exit(), cases[i][0] + ": " + m.stderr());
      assertTrue(m.stderr().contains(in + cases[i][1]), cases[i][0] + ": " + m.stderr());
      assertEquals(m.stderr(), s.stderr(), cases[i][0]);
      assertEquals(2, s.exit(), cases[i][0]);
      assertFalse(Files.exists(sparkOut) || Files.exists(singleOut), cases[i][0] + ": nothing written");
    }
  }

  @Test
  void bonScorePicksTheHighestRewardTiesToTheFirst() throws Exception {
    Path in = Files.write(dir.resolve("bon.jsonl"), List.of(
        "{\"id\": \"p0\", \"gold\": \"4\", \"candidates\": [\"\\\\boxed{5}\", \"\\\\boxed{4}\", \"\\\\boxed{4.0}\"]}",
        "{\"id\": \"p1\", \"gold\": \"1/2\", \"candidates\": [\"\\\\boxed{3}\", \"nothing\"]}",
        "{\"id\": \"p2\", \"gold\": 7, \"candidates\": [\"The answer is 7\"]}"));
    Path out = dir.resolve("bon-out.jsonl");
    CliRun r = CliRun.of("spark", "bon-score", "--checker", "math", "--input", in.toString(), "--output",
        out.toString(), "--workers", "2", "--partitions", "2");
    assertEquals(0, r.exit(), r.stderr());
    List<JsonNode> rows = Files.readAllLines(out).stream().map(CliRunJson::read).toList();
    MathVerifier v = new MathVerifier();
    String[][] cands = {{"\\boxed{5}", "\\boxed{4}", "\\boxed{4.0}"}, {"\\boxed{3}", "nothing"}, {"The answer is 7"}};
    String[] gold = {"4", "1/2", "7"};
    for (int i = 0; i < 3; i++) {
      double[] expected = new double[cands[i].length];
      for (int c = 0; c < expected.length; c++) {
        expected[c] = v.verify(cands[i][c], gold[i]).reward();
      }
      double[] got = new double[expected.length];
      for (int c = 0; c < got.length; c++) {
        got[c] = rows.get(i).get("rewards").get(c).asDouble();
      }
      assertArrayEquals(expected, got);
      if (i == 0) {
        assertArrayEquals(new double[] {0, 1, 1}, expected, "5 is wrong, 4 and 4.0 both right: a tie");
      }
      assertEquals(Selection.argmax(expected), rows.get(i).get("best").asInt());
      assertEquals(cands[i][Selection.argmax(expected)], rows.get(i).get("response").asText());
      assertEquals("p" + i, rows.get(i).get("id").asText());
    }
    assertEquals(1, rows.get(0).get("best").asInt()); // 4 and 4.0 tie: the first wins
  }

  /** Runs the single-machine and the Spark verify on {@code in}; asserts identical bytes; returns them. */
  private byte[] runBoth(String checker, Path in) throws Exception {
    Path single = dir.resolve(checker + "-single.jsonl");
    Path sparkOut = dir.resolve(checker + "-spark.jsonl");
    CliRun a = CliRun.of("verify", "--checker", checker, "--input", in.toString(), "--output", single.toString(),
        "--workers", "2");
    CliRun b = CliRun.of("spark", "verify", "--checker", checker, "--input", in.toString(), "--output",
        sparkOut.toString(), "--workers", "2", "--partitions", "3", "--master", "local[2]");
    assertEquals(0, a.exit(), a.stderr());
    assertEquals(0, b.exit(), b.stderr());
    byte[] expected = Files.readAllBytes(single);
    assertArrayEquals(expected, Files.readAllBytes(sparkOut));
    return expected;
  }
}
