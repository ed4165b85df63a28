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
import org.apache.spark.sql.Row;
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

  private List<String> mathLines() throws Exception {
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
    return lines;
  }

  @Test
  void mathVerifyPartsAreByteIdenticalToSingleMachineWithAManifest() throws Exception {
    Path in = Files.write(dir.resolve("math.jsonl"), mathLines());
    byte[] single = runBoth("math", in);
    long rows = new String(single).lines().count();
    assertEquals(MathCorpus.load().size(), rows);
    JsonNode manifest = Jsonl.MAPPER.readTree(dir.resolve("math-spark").resolve("_manifest.json").toFile());
    assertEquals("align4j-spark-output/v1", manifest.get("format").asText());
    assertEquals(rows, manifest.get("rows").asLong());
    assertEquals(rows + 1, manifest.get("input").get("rows").asLong(), "the blank line counts as an input line");
    assertEquals(64, manifest.get("input").get("digest").asText().length());
    assertEquals("jsonl", manifest.get("data_format").asText());
    assertTrue(manifest.get("spark").get("input_partitions").asInt() >= 3);
    assertEquals(0, CliRun.hiddenEntries(dir), "no temporary folder left behind");
  }

  @Test
  void parquetOutputHoldsTheSameRowsAndTheDigestDoesNotDependOnPartitions() throws Exception {
    Path in = Files.write(dir.resolve("math.jsonl"), mathLines());
    Path single = dir.resolve("single.jsonl");
    assertEquals(0, CliRun.of("verify", "--checker", "math", "--input", in.toString(), "--output", single.toString())
        .exit());
    Path out = dir.resolve("out");
    CliRun r = CliRun.of("spark", "verify", "--checker", "math", "--input", in.toString(), "--output", out.toString(),
        "--workers", "2", "--partitions", "5");
    assertEquals(0, r.exit(), r.stderr());
    // test-side read of a small output, in part-file order (Spark's own scan orders files by size)
    List<Row> rows = spark.read().parquet(out.toString())
        .select("*", "_metadata.file_path", "_metadata.row_index").orderBy("file_path", "row_index")
        .collectAsList();
    List<JsonNode> expected = Files.readAllLines(single).stream().map(CliRunJson::read).toList();
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      JsonNode e = expected.get(i);
      assertEquals(e.get("id").toString(), row.getString(row.fieldIndex("id")), "id as JSON text, row " + i);
      assertEquals(e.get("reward").asDouble(), row.getDouble(row.fieldIndex("reward")));
      assertEquals(e.get("status").asText(), row.getString(row.fieldIndex("status")));
      assertEquals(e.get("detail").asText(), row.getString(row.fieldIndex("detail")));
    }
    // the same input in 1 partition has the same fingerprint; a changed line changes it
    Path again = dir.resolve("again");
    assertEquals(0, CliRun.of("spark", "verify", "--checker", "math", "--input", in.toString(), "--output",
        again.toString(), "--partitions", "1").exit());
    assertEquals(digest(out), digest(again));
    List<String> changed = mathLines();
    changed.set(4, changed.get(4).replace("\"m4\"", "\"m4x\""));
    Path in2 = Files.write(dir.resolve("math2.jsonl"), changed);
    assertEquals(0, CliRun.of("spark", "verify", "--checker", "math", "--input", in2.toString(), "--output",
        again.toString(), "--partitions", "1").exit(), "an earlier output is replaced");
    assertFalse(digest(out).equals(digest(again)));
  }

  private static String digest(Path out) throws Exception {
    return Jsonl.MAPPER.readTree(out.resolve("_manifest.json").toFile()).get("input").get("digest").asText();
  }

  @Test
  void parquetInputIsReadInFileAndRowOrderAndItsBadRowsAreNamed() throws Exception {
    Path in = Files.write(dir.resolve("math.jsonl"), mathLines().stream().filter(l -> !l.isBlank()).toList());
    Path parquet = dir.resolve("rows.parquet");
    // three Parquet part files written by Spark from the JSONL (ids: numbers and strings, as JSON text)
    spark.read().schema("id STRING, response STRING, gold STRING").json(in.toString()).coalesce(3)
        .write().parquet(parquet.toString());
    Path out = dir.resolve("from-parquet");
    CliRun r = CliRun.of("spark", "verify", "--checker", "math", "--input", parquet.toString(), "--output",
        out.toString(), "--format", "jsonl", "--partitions", "4");
    assertEquals(0, r.exit(), r.stderr());
    List<String> lines = new String(CliRun.parts(out)).lines().toList();
    List<JsonNode> expected = new ArrayList<>();
    Path single = dir.resolve("single.jsonl");
    assertEquals(0, CliRun.of("verify", "--checker", "math", "--input", in.toString(), "--output", single.toString())
        .exit());
    Files.readAllLines(single).forEach(l -> expected.add(CliRunJson.read(l)));
    assertEquals(expected.size(), lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode got = CliRunJson.read(lines.get(i));
      assertEquals(expected.get(i).get("id").asText(), got.get("id").asText(), "row order, row " + i);
      assertEquals(expected.get(i).get("reward"), got.get("reward"));
      assertEquals(expected.get(i).get("detail"), got.get("detail"));
    }

    Path bad = dir.resolve("bad.parquet");
    spark.read().schema("id STRING, response STRING, gold STRING")
        .json(Files.write(dir.resolve("bad.jsonl"), List.of("{\"id\": \"a\", \"response\": \"1\", \"gold\": \"1\"}",
            "{\"id\": \"b\", \"response\": \"1\"}")).toString())
        .coalesce(1).write().parquet(bad.toString());
    CliRun e = CliRun.of("spark", "verify", "--checker", "math", "--input", bad.toString(), "--output",
        dir.resolve("bad-out").toString());
    assertEquals(2, e.exit());
    assertTrue(e.stderr().matches("(?s).*bad\\.parquet/part-00000[^:]*\\.parquet:2: field 'gold'.*"), e.stderr());
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
    Path sparkOut = dir.resolve("spark-out");
    CliRun s = CliRun.of("spark", "verify", "--checker", "math", "--input", in.toString(), "--output",
        sparkOut.toString(), "--master", "local[2]", "--partitions", "2");
    CliRun m = CliRun.of("verify", "--checker", "math", "--input", in.toString(), "--output",
        dir.resolve("single.jsonl").toString());
    assertEquals(2, s.exit());
    assertTrue(s.stderr().contains(in + ":3: field 'gold': must be a string or a number"), s.stderr());
    assertEquals(m.stderr(), s.stderr());
    assertFalse(Files.exists(sparkOut));
    assertEquals(0, CliRun.hiddenEntries(dir));

    Path malformed = Files.write(dir.resolve("malformed.jsonl"), List.of("{\"id\": 1,", "{}"));
    CliRun j = CliRun.of("spark", "verify", "--checker", "math", "--input", malformed.toString(), "--output",
        sparkOut.toString());
    assertEquals(2, j.exit());
    assertTrue(j.stderr().contains(malformed + ":1: malformed JSON"), j.stderr());
    assertFalse(Files.exists(sparkOut));
  }

  @Test
  void lineNumbersStayRightWhenAFileIsSplitAndInAFolderOfParts() throws Exception {
    List<String> good = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      good.add("{\"id\": " + i + ", \"response\": \"\\\\boxed{" + i + "}\", \"gold\": \"" + i + "\"}");
    }
    List<String> lines = new ArrayList<>(good);
    lines.set(2716, "{\"id\": 2716, \"response\": \"x\", \"gold\": \"1\", \"extra\": 1}");
    lines.set(2900, "{\"id\": 2900, \"response\": 7, \"gold\": \"1\"}");
    Path big = Files.write(dir.resolve("big.jsonl"), lines);
    CliRun split = CliRun.of("spark", "verify", "--checker", "math", "--input", big.toString(), "--output",
        dir.resolve("o1").toString(), "--partitions", "7");
    assertEquals(2, split.exit());
    CliRun single = CliRun.of("verify", "--checker", "math", "--input", big.toString(), "--output",
        dir.resolve("o1.jsonl").toString());
    assertEquals(single.stderr(), split.stderr());
    assertTrue(split.stderr().contains(big + ":2717: field 'extra'"), split.stderr());

    Path folder = Files.createDirectories(dir.resolve("parts"));
    Files.write(folder.resolve("part-00000.jsonl"), good.subList(0, 1000));
    Files.write(folder.resolve("part-00001.jsonl"), lines.subList(2000, 3000));
    Files.write(folder.resolve("_SUCCESS"), List.of("not data"));
    CliRun parts = CliRun.of("spark", "verify", "--checker", "math", "--input", folder.toString(), "--output",
        dir.resolve("o2").toString(), "--partitions", "4");
    assertEquals(2, parts.exit());
    assertTrue(parts.stderr().contains(folder.resolve("part-00001.jsonl") + ":717: field 'extra'"), parts.stderr());

    Files.write(folder.resolve("part-00001.jsonl"), good.subList(1000, 2000));
    Path out = dir.resolve("o3");
    CliRun ok = CliRun.of("spark", "verify", "--checker", "math", "--input", folder.toString(), "--output",
        out.toString(), "--partitions", "4", "--format", "jsonl");
    assertEquals(0, ok.exit(), ok.stderr());
    Path whole = Files.write(dir.resolve("whole.jsonl"), good.subList(0, 2000));
    assertEquals(0, CliRun.of("verify", "--checker", "math", "--input", whole.toString(), "--output",
        dir.resolve("whole-out.jsonl").toString()).exit());
    assertArrayEquals(Files.readAllBytes(dir.resolve("whole-out.jsonl")), CliRun.parts(out));
  }

  @Test
  void anExistingFolderThatIsNoJobOutputIsNeverReplaced() throws Exception {
    Path in = Files.write(dir.resolve("one.jsonl"), List.of("{\"id\": 1, \"response\": \"2\", \"gold\": \"2\"}"));
    Path precious = Files.createDirectories(dir.resolve("precious"));
    Files.writeString(precious.resolve("notes.txt"), "keep me");
    CliRun r = CliRun.of("spark", "verify", "--checker", "math", "--input", in.toString(), "--output",
        precious.toString());
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains("refusing to replace it"), r.stderr());
    assertEquals("keep me", Files.readString(precious.resolve("notes.txt")));
  }

  @Test
  void aByteOrderMarkIsAcceptedByBothPaths() throws Exception {
    byte[] body = ("{\"id\": 1, \"response\": \"\\\\boxed{2}\", \"gold\": \"2\"}\n"
        + "{\"id\": 2, \"response\": \"\\\\boxed{3}\", \"gold\": \"2\"}\n").getBytes(StandardCharsets.UTF_8);
    String out = new String(runBoth("math", Files.write(dir.resolve("bom.jsonl"), withBom(body))),
        StandardCharsets.UTF_8);
    assertEquals(2, out.lines().count());
  }

  private static byte[] withBom(byte[] body) {
    byte[] out = new byte[body.length + 3];
    out[0] = (byte) 0xEF;
    out[1] = (byte) 0xBB;
    out[2] = (byte) 0xBF;
    System.arraycopy(body, 0, out, 3, body.length);
    return out;
  }

  /**
   * Each case: the same exit code 2 and the same stderr line from {@code spark verify} as from {@code verify}
   * (the Spark job decodes rows itself instead of Hadoop's silent U+FFFD), and no output.
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
    // a bad byte on line 1 after a byte order mark: its offset counts the mark, which Hadoop's reader drops
    byte[] bomLatin1 = withBom(("{\"id\": 1, \"response\": \"caf\u00e9\", \"gold\": \"2\"}\n" + String.format(ok, 2))
        .getBytes(StandardCharsets.ISO_8859_1));
    // a field error on line 2 and malformed JSON on line 4: the single-machine reader parses the whole file first
    byte[] fieldThenSyntax = (String.format(ok, 1) + "{\"id\": 2, \"response\": 5, \"gold\": \"2\"}\n"
        + String.format(ok, 3) + "{\"id\": 4,\n").getBytes(StandardCharsets.UTF_8);
    // a repeated id (line 3) before a field error (line 4)
    byte[] duplicateFirst = (String.format(ok, "\"x\"") + String.format(ok, 2) + String.format(ok, "\"x\"")
        + "{\"id\": 4, \"gold\": \"2\"}\n").getBytes(StandardCharsets.UTF_8);
    String[][] cases = {
      {"latin1", ":3: not UTF-8: byte 27 of the line is 0xE9"},
      {"duplicate-id", ":4: field 'id': duplicate id 7 (first on line 2)"},
      {"tie", ":3: field 'response': must be a string"},
      {"duplicate-key", ":2: malformed JSON: Duplicate field 'id'"},
      {"bom-latin1", ":1: not UTF-8: byte 30 of the line is 0xE9"},
      {"field-then-syntax", ":4: malformed JSON"},
      {"duplicate-first", ":3: field 'id': duplicate id \"x\" (first on line 1)"}};
    byte[][] inputs = {latin1, duplicateId, tie, duplicateKey, bomLatin1, fieldThenSyntax, duplicateFirst};
    for (int i = 0; i < cases.length; i++) {
      Path in = Files.write(dir.resolve(cases[i][0] + ".jsonl"), inputs[i]);
      Path sparkOut = dir.resolve(cases[i][0] + "-spark");
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
    assertEquals(0, CliRun.hiddenEntries(dir), "no temporary folder left behind");
  }

  /**
   * A repeated id is found across partitions with the first line it was on; in a folder of parts, across files
   * (the message then names the file of the first occurrence).
   */
  @Test
  void duplicateIdsAreFoundAcrossPartitionsAndFilesWithTheirFirstLine() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      lines.add("{\"id\": \"r" + i + "\", \"response\": \"\\\\boxed{" + i + "}\", \"gold\": \"" + i + "\"}");
    }
    lines.set(2500, lines.get(2500).replace("\"r2500\"", "\"r17\""));
    lines.set(2800, lines.get(2800).replace("\"r2800\"", "\"r17\""));
    Path big = Files.write(dir.resolve("big.jsonl"), lines);
    CliRun split = CliRun.of("spark", "verify", "--checker", "math", "--input", big.toString(), "--output",
        dir.resolve("o1").toString(), "--partitions", "7");
    CliRun single = CliRun.of("verify", "--checker", "math", "--input", big.toString(), "--output",
        dir.resolve("o1.jsonl").toString());
    assertEquals(2, split.exit(), split.stderr());
    assertTrue(single.stderr().contains(big + ":2501: field 'id': duplicate id \"r17\" (first on line 18)"),
        single.stderr());
    assertEquals(single.stderr(), split.stderr());

    Path folder = Files.createDirectories(dir.resolve("parts"));
    Files.write(folder.resolve("part-00000.jsonl"), lines.subList(0, 1000));
    Files.write(folder.resolve("part-00001.jsonl"), lines.subList(2000, 3000));
    CliRun parts = CliRun.of("spark", "verify", "--checker", "math", "--input", folder.toString(), "--output",
        dir.resolve("o2").toString(), "--partitions", "4");
    assertEquals(2, parts.exit(), parts.stderr());
    assertTrue(parts.stderr().contains(folder.resolve("part-00001.jsonl") + ":501: field 'id': duplicate id \"r17\" "
        + "(first on line 18 of " + folder.resolve("part-00000.jsonl") + ")"), parts.stderr());
  }

  /** Option and output errors: exit 2 naming the option, before any Spark session starts, as the single-machine. */
  @Test
  void badOptionsAndUnusableOutputsAreBadInputNamingTheOption() throws Exception {
    Path in = Files.write(dir.resolve("one.jsonl"), List.of("{\"id\": 1, \"response\": \"2\", \"gold\": \"2\"}"));
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    String[][] cases = {
      {"--workers", "0", "--workers: must be in [1, 256], got 0"},
      {"--timeout-ms", "5", "--timeout-ms: must be in [100, 600000], got 5"},
      {"--partitions", "0", "--partitions: must be >= 1, got 0"},
      {"--format", "csv", "--format: unknown value 'csv' (allowed: parquet, jsonl)"},
      {"--output", file.toString(), "--output: " + file + " is a file, not a folder"}};
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("spark", "verify", "--checker", "math", "--input", in.toString()));
      if (!c[0].equals("--output")) {
        args.addAll(List.of("--output", dir.resolve("out").toString()));
      }
      args.addAll(List.of(c[0], c[1]));
      CliRun r = CliRun.of(args.toArray(String[]::new));
      assertEquals(2, r.exit(), c[0] + ": " + r.stderr());
      assertEquals("align4j verify: " + c[2], r.stderr().strip(), c[0]);
    }
    CliRun ref = CliRun.of("spark", "ref-logprobs", "--model", CliRun.fixture("tiny-llama").toString(), "--input",
        in.toString(), "--output", dir.resolve("out").toString(), "--dtype", "bf16");
    assertEquals(2, ref.exit(), ref.stderr());
    assertTrue(ref.stderr().startsWith("align4j ref-logprobs: --dtype: "), ref.stderr());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void bonScorePicksTheHighestRewardTiesToTheFirst() throws Exception {
    Path in = Files.write(dir.resolve("bon.jsonl"), List.of(
        "{\"id\": \"p0\", \"gold\": \"4\", \"candidates\": [\"\\\\boxed{5}\", \"\\\\boxed{4}\", \"\\\\boxed{4.0}\"]}",
        "{\"id\": \"p1\", \"gold\": \"1/2\", \"candidates\": [\"\\\\boxed{3}\", \"nothing\"]}",
        "{\"id\": \"p2\", \"gold\": 7, \"candidates\": [\"The answer is 7\"]}"));
    Path out = dir.resolve("bon-out");
    CliRun r = CliRun.of("spark", "bon-score", "--checker", "math", "--input", in.toString(), "--output",
        out.toString(), "--workers", "2", "--partitions", "2", "--format", "jsonl");
    assertEquals(0, r.exit(), r.stderr());
    List<JsonNode> rows = new String(CliRun.parts(out)).lines().map(CliRunJson::read).toList();
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
    Path sparkOut = dir.resolve(checker + "-spark");
    CliRun a = CliRun.of("verify", "--checker", checker, "--input", in.toString(), "--output", single.toString(),
        "--workers", "2");
    CliRun b = CliRun.of("spark", "verify", "--checker", checker, "--input", in.toString(), "--output",
        sparkOut.toString(), "--workers", "2", "--partitions", "3", "--master", "local[2]", "--format", "jsonl");
    assertEquals(0, a.exit(), a.stderr());
    assertEquals(0, b.exit(), b.stderr());
    byte[] expected = Files.readAllBytes(single);
    assertArrayEquals(expected, CliRun.parts(sparkOut));
    return expected;
  }
}
