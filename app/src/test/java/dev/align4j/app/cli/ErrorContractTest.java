package dev.align4j.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.app.Cli;
import dev.align4j.core.InvalidConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one error contract of every command (CLI.md): bad input exits 2 with one stderr line naming file, line and
 * field (or the option) and writes nothing, before any expensive work; anything else exits 1 with the cause on
 * stderr and the stack trace in a log file whose path is printed. Each fault class of the contract is injected here.
 */
class ErrorContractTest {
  @TempDir Path dir;

  private static final String MATH_OK = "{\"id\": %s, \"response\": \"\\\\boxed{2}\", \"gold\": \"2\"}";

  /** A command that fails the way its constructor argument says, run through the production handler. */
  @Command(name = "fail")
  static final class Fail implements Callable<Integer> {
    private final RuntimeException e;

    Fail(RuntimeException e) {
      this.e = e;
    }

    @Override
    public Integer call() {
      throw e;
    }
  }

  private static Cli runFailing(RuntimeException e) {
    CommandLine cli = Main.newCommandLine();
    cli.addSubcommand(new Fail(e));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("fail");
    return new Cli(code, "", err.toString());
  }

  @Test
  void aPlainIllegalArgumentExceptionIsAnInternalFailureWithItsStackTraceInALogFile() throws Exception {
    Cli r = runFailing(new IllegalArgumentException("index 7 out of range", new IllegalStateException("deep cause")));
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("align4j fail: internal failure: IllegalArgumentException: index 7 out of range "
        + "(cause: IllegalStateException: deep cause)"), r.err());
    Matcher m = Pattern.compile("stack trace in (\\S+\\.log)").matcher(r.err());
    assertTrue(m.find(), r.err());
    Path log = Path.of(m.group(1));
    try {
      String trace = Files.readString(log);
      assertTrue(trace.contains("java.lang.IllegalArgumentException: index 7 out of range"), trace);
      assertTrue(trace.contains("at dev.align4j.app.cli.ErrorContractTest"), "a stack trace: " + trace);
      assertTrue(trace.contains("Caused by: java.lang.IllegalStateException: deep cause"), trace);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void theProjectsConfigErrorIsBadInput() {
    Cli r = runFailing(new InvalidConfigException("beta", "must be > 0 (got -1.0)"));
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j fail: beta must be > 0 (got -1.0)", r.err().strip());
  }

  private Cli verify(Path in, Path out) {
    return Cli.run("verify", "--checker", "math", "--input", in.toString(), "--output", out.toString());
  }

  private void assertNothingWrittenBut(Path... inputs) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(Stream.of(inputs).map(p -> p.getFileName().toString()).sorted().toList(),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "nothing written, no temporary left");
    }
  }

  @Test
  void aByteOrderMarkIsAcceptedEverywhere() throws Exception {
    byte[] body = (String.format(MATH_OK, 1) + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    Path in = Files.write(dir.resolve("bom.jsonl"), withBom);
    Cli r = verify(in, dir.resolve("out.jsonl"));
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, Files.readAllLines(dir.resolve("out.jsonl")).size());
  }

  @Test
  void undecodableBytesAreReportedWithTheirLine() throws Exception {
    byte[] latin1 = (String.format(MATH_OK, 1) + "\n" + "{\"id\": 2, \"response\": \"\u00e9\", \"gold\": \"2\"}\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    Path in = Files.write(dir.resolve("in.jsonl"), latin1);
    Cli r = verify(in, dir.resolve("out.jsonl"));
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j verify: " + in + ":2: not UTF-8: byte 24 of the line is 0xE9 (input files must be UTF-8)",
        r.err().strip());
    assertNothingWrittenBut(in);
  }

  @Test
  void duplicateIdsAreRefusedNamingBothLines() throws Exception {
    Path in = Files.write(dir.resolve("in.jsonl"), List.of(String.format(MATH_OK, "\"a\""), String.format(MATH_OK, 1),
        String.format(MATH_OK, "\"a\"")));
    Cli r = verify(in, dir.resolve("out.jsonl"));
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j verify: " + in + ":3: field 'id': duplicate id \"a\" (first on line 1)", r.err().strip());
    assertNothingWrittenBut(in);
  }

  @Test
  @Timeout(30)
  void anOutputThatIsADirectoryIsRefusedBeforeAnyWork() throws Exception {
    // 2000 code lines would take minutes in the sandbox: the refusal must come first
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      lines.append("{\"id\": ").append(i).append(", \"response\": \"```python\\nwhile True: pass\\n```\", "
          + "\"tests\": [\"assert True\"]}\n");
    }
    Path in = Files.writeString(dir.resolve("in.jsonl"), lines);
    Path out = Files.createDirectory(dir.resolve("out"));
    Cli r = Cli.run("verify", "--checker", "code", "--input", in.toString(), "--output", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j verify: --output: " + out + " is a directory; name a file", r.err().strip());
    try (Stream<Path> inside = Files.list(out)) {
      assertEquals(0, inside.count());
    }
  }

  @Test
  void badOptionValuesNameTheOption() throws Exception {
    Path in = Files.write(dir.resolve("in.jsonl"), List.of(String.format(MATH_OK, 1)));
    Cli r = Cli.run("verify", "--checker", "math", "--input", in.toString(), "--output",
        dir.resolve("out.jsonl").toString(), "--workers", "0");
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j verify: --workers: must be in [1, 256], got 0", r.err().strip());
    assertNothingWrittenBut(in);
  }

  private static final Path TINY = Path.of("../models/tiny-arith"); // max_position_embeddings 4096

  @Test
  @Timeout(20)
  void generationBudgetsAreCheckedAgainstTheModelBeforeAnythingIsAllocated() throws Exception {
    Path in = Files.write(dir.resolve("prompts.jsonl"), List.of("{\"id\": 1, \"prompt\": [1, 5, 6]}"));
    Path out = dir.resolve("out.jsonl");
    Cli flag = Cli.run("generate", "--model", TINY.toString(), "--input", in.toString(), "--output", out.toString(),
        "--max-new-tokens", "2000000000");
    assertEquals(2, flag.exitCode(), flag.err());
    assertEquals("align4j generate: --max-new-tokens: 2000000000 reaches the model's max_position_embeddings 4096 "
        + "(prompt and new tokens must fit in it)", flag.err().strip());

    Path perLine = Files.write(dir.resolve("per-line.jsonl"), List.of("{\"id\": 1, \"prompt\": [1, 5, 6]}",
        "{\"id\": 2, \"prompt\": [1, 5, 6], \"max_new_tokens\": 2000000000}"));
    Cli line = Cli.run("generate", "--model", TINY.toString(), "--input", perLine.toString(), "--output",
        out.toString(), "--max-new-tokens", "4");
    assertEquals(2, line.exitCode(), line.err());
    assertEquals("align4j generate: " + perLine + ":2: field 'max_new_tokens': 3 prompt tokens + 2000000000 new "
        + "tokens exceed the model's max_position_embeddings 4096", line.err().strip());

    Cli batch = Cli.run("generate", "--model", TINY.toString(), "--input", in.toString(), "--output", out.toString(),
        "--max-new-tokens", "4000", "--batch-size", "100000000");
    assertEquals(2, batch.exitCode(), batch.err());
    assertTrue(batch.err().startsWith("align4j generate: --batch-size: generating 4000 tokens for 100000000 prompts"),
        batch.err());
    assertTrue(batch.err().contains("more than this machine's"), batch.err());
    assertNothingWrittenBut(in, perLine);
  }

  @Test
  @Timeout(20)
  void aSequenceLongerThanTheModelsPositionsIsRefused() throws Exception {
    StringBuilder tokens = new StringBuilder("1");
    for (int i = 1; i < 5000; i++) {
      tokens.append(", 5");
    }
    Path in = Files.write(dir.resolve("seqs.jsonl"), List.of("{\"id\": \"long\", \"tokens\": [" + tokens
        + "], \"completion_start\": 1}"));
    Cli r = Cli.run("logprobs", "--model", TINY.toString(), "--input", in.toString(), "--output",
        dir.resolve("out.jsonl").toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j logprobs: " + in + ":1: field 'tokens': 5000 tokens exceed the model's "
        + "max_position_embeddings 4096", r.err().strip());
    assertNothingWrittenBut(in);
  }
}
