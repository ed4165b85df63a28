package dev.align4j.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.Cli;
import dev.align4j.core.Jsonl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./align4j verify} in-process: order and ids kept, statuses as CLI.md names them, bad input → exit 2. */
class VerifyCommandTest {
  @TempDir Path dir;

  private Cli verify(String checker, List<String> lines, String... extra) throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, String.join("\n", lines) + "\n");
    List<String> args = new ArrayList<>(List.of("verify", "--checker", checker, "--input", in.toString(),
        "--output", dir.resolve("out.jsonl").toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  private List<JsonNode> output() throws IOException {
    return Jsonl.read(dir.resolve("out.jsonl")).stream().map(l -> (JsonNode) l.node()).toList();
  }

  private static String line(Object... kv) {
    ObjectNode n = Jsonl.MAPPER.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      n.set((String) kv[i], Jsonl.MAPPER.valueToTree(kv[i + 1]));
    }
    return n.toString();
  }

  @Test
  void codeLinesComeBackInInputOrderWithRewardsAndStatuses() throws IOException {
    String add = "```python\ndef add(a, b):\n    return a + b\n```";
    String sub = "```python\ndef add(a, b):\n    return a - b\n```";
    Cli r = verify("code", List.of(
        line("id", "a", "response", add, "tests", List.of("assert add(1, 2) == 3", "assert add(0, 0) == 0")),
        line("id", 7, "response", sub, "tests", List.of("assert add(1, 2) == 3", "assert add(0, 0) == 0")),
        line("id", "c", "response", "no code here", "tests", List.of("assert True"))), "--workers", "2");
    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> out = output();
    assertEquals(3, out.size());
    assertEquals("a", out.get(0).get("id").asText());
    assertEquals(7, out.get(1).get("id").asInt());
    assertTrue(out.get(1).get("id").isIntegralNumber());
    assertEquals("passed", out.get(0).get("status").asText());
    assertEquals(1.0, out.get(0).get("reward").asDouble());
    assertEquals("failed", out.get(1).get("status").asText());
    assertEquals(0.5, out.get(1).get("reward").asDouble());
    assertEquals("no_code", out.get(2).get("status").asText());
    assertTrue(out.get(2).has("detail"));
  }

  @Test
  void codeTestsMayBeStdinStdoutPairsAndExpectedValuesAreComparedOutside() throws IOException {
    String echo = "```python\nprint(int(input()) * 2)\n```";
    String cheat = "```python\nimport builtins\nbuiltins.eval = lambda *a, **k: True\ndef add(a, b):\n    return 0\n```";
    Cli r = verify("code", List.of(
        line("id", 1, "response", echo, "tests", List.of(java.util.Map.of("stdin", "21\n", "stdout", "42\n"),
            java.util.Map.of("stdin", "1\n", "stdout", "3\n"))),
        line("id", 2, "response", cheat, "tests", List.of("assert add(1, 2) == 3"))));
    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> out = output();
    assertEquals("failed", out.get(0).get("status").asText());
    assertEquals(0.5, out.get(0).get("reward").asDouble());
    assertEquals(0.0, out.get(1).get("reward").asDouble(), out.get(1).get("detail").asText());
    assertTrue(out.get(1).get("detail").asText().contains("[sandbox: "), out.get(1).get("detail").asText());
  }

  @Test
  void mathAndIfevalCheckers() throws IOException {
    Cli math = verify("math", List.of(
        line("id", 1, "response", "so the result is \\boxed{\\frac{1}{2}}", "gold", "0.5"),
        line("id", 2, "response", "I think it is 3", "gold", 4)));
    assertEquals(0, math.exitCode(), math.err());
    assertEquals("correct", output().get(0).get("status").asText());
    assertEquals(0.0, output().get(1).get("reward").asDouble());
    Cli ifeval = verify("ifeval", List.of(line("id", "x", "response", "all lowercase, sadly with a comma",
        "constraints", List.of(java.util.Map.of("type", "all_lowercase"), java.util.Map.of("type", "no_commas")))));
    assertEquals(0, ifeval.exitCode(), ifeval.err());
    assertEquals(0.5, output().get(0).get("reward").asDouble());
    assertEquals("unsatisfied", output().get(0).get("status").asText());
  }

  @Test
  void badInputExitsTwoNamingFileLineAndFieldAndWritesNothing() throws IOException {
    String good = line("id", 1, "response", "```python\nx = 1\n```", "tests", List.of("assert x == 1"));
    Cli missing = verify("code", List.of(good, line("id", 2, "response", "x")));
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("in.jsonl:2") && missing.err().contains("'tests'"), missing.err());
    assertFalse(Files.exists(dir.resolve("out.jsonl")));

    Cli wrongType = verify("code", List.of(line("id", 1, "response", "x", "tests", List.of(1))));
    assertEquals(2, wrongType.exitCode());
    assertTrue(wrongType.err().contains("tests[0]"), wrongType.err());
    Cli badPair = verify("code", List.of(line("id", 1, "response", "x", "tests",
        List.of("assert True", java.util.Map.of("stdin", "1", "expected", "2")))));
    assertEquals(2, badPair.exitCode());
    assertTrue(badPair.err().contains("tests[1]") && badPair.err().contains("stdout"), badPair.err());

    Cli unknownField = verify("math", List.of(line("id", 1, "response", "4", "gold", "4", "golden", "4")));
    assertEquals(2, unknownField.exitCode());
    assertTrue(unknownField.err().contains("'golden'"), unknownField.err());

    Cli badConstraint = verify("ifeval", List.of(line("id", 1, "response", "x",
        "constraints", List.of(java.util.Map.of("type", "word_count", "num_words", 3)))));
    assertEquals(2, badConstraint.exitCode());
    assertTrue(badConstraint.err().contains("in.jsonl:1") && badConstraint.err().contains("relation"),
        badConstraint.err());

    Cli malformed = verify("math", List.of("{\"id\": 1, \"response\": "));
    assertEquals(2, malformed.exitCode());
    assertTrue(malformed.err().contains("in.jsonl:1"), malformed.err());

    assertEquals(2, verify("chemistry", List.of(good)).exitCode());
    assertEquals(2, verify("code", List.of(good), "--workers", "0").exitCode());
    assertFalse(Files.exists(dir.resolve("out.jsonl")));
  }
}
