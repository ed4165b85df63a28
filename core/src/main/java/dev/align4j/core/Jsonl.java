package dev.align4j.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSONL files (one JSON object per line, blank lines skipped) with errors naming file and line. The rules,
 * shared by every reader of the project (the Spark jobs parse their rows with {@link #decode} and
 * {@link #parseLine} too):
 *
 * <ul>
 *   <li>UTF-8 only: a line holding bytes that are not UTF-8 is an error naming that line and the byte offset;
 *   <li>a UTF-8 byte order mark at the start of the file is skipped;
 *   <li>lines end at {@code \n}, {@code \r\n} or a lone {@code \r} (as {@link java.io.BufferedReader} and Hadoop's
 *       line reader split them);
 *   <li>JSON is strict ({@link StrictJson}: duplicate keys, {@code NaN}/{@code Infinity} and trailing content are
 *       errors) and every line must be an object;
 *   <li>a line may hold at most {@link #maxLineBytes()} bytes (64 MiB unless the system property
 *       {@code align4j.jsonl.maxLineBytes} says otherwise), so that no single line can exhaust the memory of the
 *       process reading it; Jackson's own limits bound nesting depth and string lengths within a line.
 * </ul>
 */
public final class Jsonl {
  /** Shared mapper ({@link StrictJson}): rejects NaN/Infinity literals, duplicate keys and trailing garbage. */
  public static final ObjectMapper MAPPER = StrictJson.mapper();

  /** The byte order mark as a decoded character. */
  private static final char BOM = '\uFEFF';

  /** The default longest line, in bytes. */
  public static final long DEFAULT_MAX_LINE_BYTES = 64L << 20;

  private Jsonl() {}

  /** The longest line accepted, in bytes: {@code -Dalign4j.jsonl.maxLineBytes=N}, else 64 MiB. */
  public static long maxLineBytes() {
    String v = System.getProperty("align4j.jsonl.maxLineBytes");
    if (v == null) {
      return DEFAULT_MAX_LINE_BYTES;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalStateException("align4j.jsonl.maxLineBytes must be a positive number of bytes, got " + v);
  }

  /** Reads every non-blank line of {@code file}; bad bytes, malformed JSON or a non-object line is a {@link BadInputException}. */
  public static List<JsonLine> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file, 0, null, Files.isDirectory(file) ? "is a directory, not a file" : "no such file");
    }
    List<JsonLine> out = new ArrayList<>();
    long max = maxLineBytes();
    try (InputStream in = Files.newInputStream(file)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(256);
      byte[] buf = new byte[1 << 16];
      int n = 0;
      boolean lastWasCr = false;
      for (int got; (got = in.read(buf)) > 0; ) {
        int start = 0;
        for (int i = 0; i < got; i++) {
          byte b = buf[i];
          if (b == '\n' || b == '\r') {
            line.write(buf, start, i - start);
            start = i + 1;
            if (!(b == '\n' && lastWasCr && line.size() == 0)) { // the \n of a \r\n ends no second line
              add(out, file, ++n, line, max);
            }
            lastWasCr = b == '\r';
          } else {
            lastWasCr = false;
          }
        }
        line.write(buf, start, got - start);
        if (line.size() > max) { // a line still open after this buffer: refused before it grows further
          throw tooLong(file, n + 1, max);
        }
      }
      if (line.size() > 0) {
        add(out, file, ++n, line, max);
      }
    } catch (IOException e) {
      throw new BadInputException(file, 0, null, "cannot read: " + AtomicFiles.describe(e), e);
    }
    return out;
  }

  private static BadInputException tooLong(Path file, int line, long max) {
    return new BadInputException(file, line, null, "line longer than " + max + " bytes (the limit of one JSONL line; "
        + "-Dalign4j.jsonl.maxLineBytes=N raises it)");
  }

  private static void add(List<JsonLine> out, Path file, int n, ByteArrayOutputStream bytes, long max) {
    if (bytes.size() > max) {
      throw tooLong(file, n, max);
    }
    JsonLine parsed = parseLine(file, n, decode(file, n, bytes.toByteArray(), bytes.size()));
    bytes.reset();
    if (parsed != null) {
      out.add(parsed);
    }
  }

  /**
   * The text of line {@code line} from its first {@code length} bytes, decoded as strict UTF-8.
   *
   * @throws BadInputException naming the line and the 1-based byte offset of the first byte that is not UTF-8
   */
  public static String decode(Path file, int line, byte[] bytes, int length) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    try {
      return utf8.decode(in).toString();
    } catch (CharacterCodingException e) {
      int at = in.position();
      throw new BadInputException(file, line, null, String.format(
          "not UTF-8: byte %d of the line is 0x%02X (input files must be UTF-8)", at + 1, bytes[at] & 0xFF));
    }
  }

  /**
   * Parses one line of text; {@code null} for a blank line. A byte order mark at the start of line 1 is skipped.
   *
   * @throws BadInputException on malformed JSON or a line that is not an object
   */
  public static JsonLine parseLine(Path file, int line, String text) {
    if (line == 1 && !text.isEmpty() && text.charAt(0) == BOM) {
      text = text.substring(1);
    }
    if (text.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file, line, null, "malformed JSON: " + describe(e));
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new BadInputException(file, line, null, "each line must be a JSON object");
    }
    return new JsonLine(file, line, obj);
  }

  /** Jackson's message, minus its advice to enable a parser feature (NaN and Infinity are never valid input). */
  public static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg.startsWith("Non-standard token")) {
      int cut = msg.indexOf(':');
      return (cut > 0 ? msg.substring(0, cut) : msg) + " (NaN and Infinity are not numbers in JSON)";
    }
    return msg;
  }
}
