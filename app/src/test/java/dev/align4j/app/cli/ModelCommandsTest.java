package dev.align4j.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.app.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logprobs} and {@code generate} end to end on the repository's fixtures/tiny-llama: outputs match the fixture's
 * float64 expectations (tolerance 1.5e-5 per token from its README; greedy tokens exact), and bad input exits
 * with 2, names file, line and field, and writes nothing.
 */
class ModelCommandsTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  static Path fixture() {
    Path dir = Path.of("..", "fixtures", "tiny-llama").toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalStateException("fixture " + dir + " missing (tests run from a module folder of the repository)");
    }
    return dir;
  }

  static List<JsonNode> read(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(MAPPER.readTree(line));
      }
    }
    return out;
  }

  @Test
  void logprobsMatchesFixture(@TempDir Path tmp) throws Exception {
    Path fx = fixture();
    Path out = tmp.resolve("out.jsonl");
    Cli r = Cli.run("logprobs", "--model", fx.toString(), "--input", fx.resolve("sequences.jsonl").toString(),
        "--output", out.toString(), "--batch-size", "3");
    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> got = read(out);
    List<JsonNode> want = read(fx.resolve("expected_logprobs.jsonl"));
    assertEquals(10, want.size(), "the fixture's a00..a09");
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).get("id"), got.get(i).get("id"));
      JsonNode w = want.get(i).get("token_logprobs");
      JsonNode g = got.get(i).get("token_logprobs");
      assertEquals(w.size(), g.size());
      for (int j = 0; j < w.size(); j++) {
        assertEquals(w.get(j).asDouble(), g.get(j).asDouble(), 1.5e-5);
      }
      assertEquals(want.get(i).get("mean").asDouble(), got.get(i).get("mean").asDouble(), 1.5e-5);
      assertEquals(want.get(i).get("sum").asDouble(), got.get(i).get("sum").asDouble(), 1.5e-5 * w.size());
    }
  }

  @Test
  void generateMatchesFixtureAndHonoursPerLineBudget(@TempDir Path tmp) throws Exception {
    Path fx = fixture();
    Path in = tmp.resolve("prompts.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(fx.resolve("generate.jsonl")));
    lines.add("{\"id\": \"short\", \"prompt\": [1], \"max_new_tokens\": 3}");
    Files.write(in, lines);
    Path out = tmp.resolve("out.jsonl");
    Cli r = Cli.run("generate", "--model", fx.toString(), "--input", in.toString(), "--output", out.toString(),
        "--max-new-tokens", "12", "--batch-size", "3");
    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> got = read(out);
    List<JsonNode> want = read(fx.resolve("expected_generate.jsonl"));
    assertEquals(4, want.size());
    assertEquals(want.size() + 1, got.size(), "the fixture's prompts and the short one");
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).get("id"), got.get(i).get("id"));
      assertEquals(want.get(i).get("tokens"), got.get(i).get("tokens"));
    }
    JsonNode shortOne = got.get(want.size());
    assertEquals(3, shortOne.get("tokens").size());
    for (int j = 0; j < 3; j++) {
      assertEquals(want.get(0).get("tokens").get(j), shortOne.get("tokens").get(j));
    }
  }

  @Test
  void badInputExitsTwoNamingFileLineFieldAndWritesNothing(@TempDir Path tmp) throws Exception {
    Path fx = fixture();
    Path in = tmp.resolve("seqs.jsonl");
    Files.writeString(in, "{\"id\": \"ok\", \"tokens\": [1, 2, 3], \"completion_start\": 1}\n"
        + "{\"id\": \"bad\", \"tokens\": [1, 2, 3], \"completion_start\": 0}\n");
    Path out = tmp.resolve("out.jsonl");
    Cli r = Cli.run("logprobs", "--model", fx.toString(), "--input", in.toString(), "--output", out.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("seqs.jsonl:2") && r.err().contains("completion_start"),
        r.err());
    assertTrue(Files.notExists(out));
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count(), "no temporary file may be left behind");
    }

    Files.writeString(in, "{\"id\": \"x\", \"tokens\": [1, 256], \"completion_start\": 1}\n");
    r = Cli.run("logprobs", "--model", fx.toString(), "--input", in.toString(), "--output", out.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("seqs.jsonl:1") && r.err().contains("tokens[1]"), r.err());
    assertTrue(Files.notExists(out));

    Files.writeString(in, "{\"id\": \"x\", \"prompt\": [1, 2], \"temperature\": 1}\n");
    r = Cli.run("generate", "--model", fx.toString(), "--input", in.toString(), "--output", out.toString(),
        "--max-new-tokens", "2");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("temperature"), r.err());
    assertTrue(Files.notExists(out));

    Files.writeString(in, "{\"id\": \"x\", \"prompt\": \"hello\"}\n");
    r = Cli.run("generate", "--model", fx.toString(), "--input", in.toString(), "--output", out.toString(),
        "--max-new-tokens", "2");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("tokenizer.json"), r.err());

    // tiny-llama has max_position_embeddings 256: 2 prompt tokens + 255 new ones do not fit
    Files.writeString(in, "{\"id\": \"a\", \"prompt\": [1, 2], \"max_new_tokens\": 3}\n"
        + "{\"id\": \"b\", \"prompt\": [1, 2], \"max_new_tokens\": 255}\n");
    r = Cli.run("generate", "--model", fx.toString(), "--input", in.toString(), "--output", out.toString(),
        "--max-new-tokens", "2");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("seqs.jsonl:2") && r.err().contains("max_new_tokens")
        && r.err().contains("max_position_embeddings 256"), r.err());
    assertTrue(Files.notExists(out));
  }

  @Test
  void halfPrecisionOnCpuAndMissingGpuAreClearUsageErrors(@TempDir Path tmp) throws Exception {
    Path fx = fixture();
    Path out = tmp.resolve("out.jsonl");
    String seqs = fx.resolve("sequences.jsonl").toString();
    Cli r = Cli.run("logprobs", "--model", fx.toString(), "--input", seqs, "--output", out.toString(),
        "--dtype", "bf16");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("GPU path"), r.err());
    r = Cli.run("logprobs", "--model", fx.toString(), "--input", seqs, "--output", out.toString(), "--dtype", "fp8");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("fp32, fp16, bf16"), r.err());
    r = Cli.run("logprobs", "--model", tmp.toString(), "--input", seqs, "--output", out.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("config.json"), r.err());
    assertTrue(Files.notExists(out));
  }
}
