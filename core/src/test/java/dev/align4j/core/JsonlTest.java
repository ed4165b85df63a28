package dev.align4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input rules every JSONL reader shares: UTF-8 only (with the bad line named), a BOM skipped, strict JSON. */
class JsonlTest {
  @TempDir Path dir;

  private Path file(byte[]... parts) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p);
    }
    return Files.write(dir.resolve("in.jsonl"), out.toByteArray());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** No single line may exhaust memory: one longer than the limit is refused, naming its line, before parsing. */
  @Test
  void aLineLongerThanTheLimitIsRefusedNamingItsLine() throws Exception {
    String big = "{\"id\": 2, \"response\": \"" + "x".repeat(300_000) + "\"}";
    Path f = file(utf8("{\"id\": 1}\n" + big + "\n{\"id\": 3}\n"));
    assertEquals(3, Jsonl.read(f).size(), "under the default limit");
    System.setProperty("align4j.jsonl.maxLineBytes", "100000");
    try {
      BadInputException e = assertThrows(BadInputException.class, () -> Jsonl.read(f));
      assertEquals(2, e.line(), e.getMessage());
      assertTrue(e.getMessage().contains("line longer than 100000 bytes"), e.getMessage());
      // a line just under the limit is fine, wherever the reader's buffer boundaries fall
      Path ok = file(utf8("{\"id\": 1, \"r\": \"" + "y".repeat(99_900) + "\"}\n"));
      assertEquals(1, Jsonl.read(ok).size());
    } finally {
      System.clearProperty("align4j.jsonl.maxLineBytes");
    }
  }

  @Test
  void byteOrderMarkIsSkippedAndLinesKeepTheirNumbers() throws Exception {
    Path f = file(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"id\": 1}\n\n{\"id\": 2}\n"));
    List<JsonLine> lines = Jsonl.read(f);
    assertEquals(2, lines.size());
    assertEquals(1, lines.get(0).id().asInt());
    assertEquals(3, lines.get(1).line());
  }

  @Test
  void aByteOrderMarkAfterLineOneIsMalformed() throws Exception {
    Path f = file(utf8("{\"id\": 1}\n\uFEFF{\"id\": 2}\n"));
    BadInputException e = assertThrows(BadInputException.class, () -> Jsonl.read(f));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().startsWith(f + ":2: malformed JSON"), e.getMessage());
  }

  @Test
  void bytesThatAreNotUtf8AreReportedWithTheirLineAndOffset() throws Exception {
    // line 3 holds "é" in Latin-1 (0xE9), which is not UTF-8
    Path f = file(utf8("{\"id\": 1}\n{\"id\": 2}\n{\"id\": \"caf"), new byte[] {(byte) 0xE9}, utf8("\"}\n"));
    BadInputException e = assertThrows(BadInputException.class, () -> Jsonl.read(f));
    assertEquals(3, e.line());
    assertEquals(f + ":3: not UTF-8: byte 12 of the line is 0xE9 (input files must be UTF-8)", e.getMessage());
  }

  @Test
  void crLfAndLoneCrEndLinesLikeBufferedReader() throws Exception {
    Path f = file(utf8("{\"id\": 1}\r\n{\"id\": 2}\r{\"id\": 3}\n\r\n{\"id\": 4}"));
    List<JsonLine> lines = Jsonl.read(f);
    assertEquals(List.of(1, 2, 3, 5), lines.stream().map(JsonLine::line).toList());
    assertEquals(4, lines.get(3).id().asInt());
  }

  @Test
  void duplicateKeysNanAndTrailingContentAreMalformed() throws Exception {
    for (String bad : List.of("{\"id\": 1, \"id\": 2}", "{\"x\": NaN}", "{\"x\": 1} 2", "[1, 2]")) {
      Path f = file(utf8("{\"id\": 0}\n" + bad + "\n"));
      BadInputException e = assertThrows(BadInputException.class, () -> Jsonl.read(f), bad);
      assertEquals(2, e.line(), bad);
    }
  }

  @Test
  void aMissingFileAndADirectoryAreBadInput() {
    assertEquals(dir.resolve("nope") + ": no such file",
        assertThrows(BadInputException.class, () -> Jsonl.read(dir.resolve("nope"))).getMessage());
    assertEquals(dir + ": is a directory, not a file",
        assertThrows(BadInputException.class, () -> Jsonl.read(dir)).getMessage());
  }

  @Test
  void duplicateIdsNameBothLinesAndCompareAsJsonValues() throws Exception {
    Path f = file(utf8("{\"id\": \"a\"}\n{\"id\": 7}\n{\"id\": \"7\"}\n\n{\"id\": \"a\"}\n"));
    UniqueIds ids = new UniqueIds();
    List<JsonLine> lines = Jsonl.read(f);
    ids.add(lines.get(0));
    ids.add(lines.get(1));
    ids.add(lines.get(2)); // "7" is not 7
    BadInputException e = assertThrows(BadInputException.class, () -> ids.add(lines.get(3)));
    assertEquals(f + ":5: field 'id': duplicate id \"a\" (first on line 1)", e.getMessage());
  }

  @Test
  void typedAccessorsRejectCoercions() throws Exception {
    JsonLine line = Jsonl.read(file(utf8("{\"id\": 1, \"x\": \"0.1\", \"n\": 1.5, \"xs\": [1, \"2\"]}\n"))).get(0);
    assertEquals("field 'x': must be a number", tail(assertThrows(BadInputException.class, () -> line.number("x"))));
    assertEquals("field 'n': must be an integer", tail(assertThrows(BadInputException.class, () -> line.integer("n"))));
    assertEquals("field 'xs[1]': must be a finite number",
        tail(assertThrows(BadInputException.class, () -> line.doubles("xs"))));
  }

  private static String tail(BadInputException e) {
    return e.getMessage().substring(e.getMessage().indexOf("field"));
  }
}
