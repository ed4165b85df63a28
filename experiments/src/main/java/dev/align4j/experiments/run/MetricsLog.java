package dev.align4j.experiments.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicFiles;
import dev.align4j.core.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per optimizer update, appended and flushed as it happens, e.g.
 * {@code {"step":1,"epoch":0.03,"lr":5e-7,"loss":0.6931,"grad_norm":1.2,"rewards/chosen":0.0,...}}.
 * Values that are not finite are written as {@code null}. A resumed run first checks the lines its checkpoint had
 * seen against the checkpoint's count and SHA-256 (a log truncated, deleted or edited since is refused, never merged)
 * and cuts the file back to them, so the file equals the uninterrupted run's.
 */
public final class MetricsLog {
  /** SHA-256 of no bytes: the digest of an empty log. */
  public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Path file;
  private final List<Map<String, Double>> rows = new ArrayList<>();
  private final MessageDigest digest;

  /**
   * Opens {@code file} for a run that has written {@code keepLines} lines whose bytes hash to {@code keepSha256}
   * (0 and {@link #EMPTY_SHA256} for a fresh run), keeping exactly those lines.
   *
   * @throws BadInputException when the file no longer holds those lines
   */
  public MetricsLog(Path file, long keepLines, String keepSha256) {
    this.file = file;
    this.digest = sha256();
    byte[] bytes = readIfPresent(file);
    byte[] keep = prefix(file, bytes, keepLines, keepSha256);
    digest.update(keep);
    for (String line : new String(keep, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        rows.add(parse(line));
      }
    }
    if (bytes.length != keep.length || !Files.exists(file)) {
      AtomicFiles.write(file, keep); // drop what was logged after the checkpoint; it is logged again
    }
  }

  /**
   * Checks, without changing it, that {@code file} still starts with the {@code lines} lines hashing to
   * {@code sha256} that a checkpoint recorded (what a resume needs before it loads anything).
   *
   * @throws BadInputException when the log was truncated, deleted or edited since
   */
  public static void check(Path file, long lines, String sha256) {
    prefix(file, readIfPresent(file), lines, sha256);
  }

  /** The bytes of the first {@code keepLines} lines, checked against their recorded SHA-256. */
  private static byte[] prefix(Path file, byte[] bytes, long keepLines, String keepSha256) {
    int end = 0;
    for (long lines = 0; lines < keepLines; lines++) {
      int nl = indexOf(bytes, (byte) '\n', end);
      if (nl < 0) {
        throw new BadInputException(file, 0, null, "holds " + lines + " complete lines but the checkpoint recorded "
            + keepLines + ": the log was truncated or deleted since; refusing to resume (the metrics would be lost)");
      }
      end = nl + 1;
    }
    byte[] keep = java.util.Arrays.copyOf(bytes, end);
    String actual = Provenance.sha256(keep);
    if (!actual.equals(keepSha256)) {
      throw new BadInputException(file, 0, null, "its first " + keepLines + " lines do not match the checkpoint "
          + "(SHA-256 " + actual + ", recorded " + keepSha256 + "): the log was edited since; refusing to resume");
    }
    return keep;
  }

  /** Appends one line (insertion order kept) and flushes it to disk. */
  public void append(Map<String, Double> row) {
    ObjectNode node = MAPPER.createObjectNode();
    row.forEach((k, v) -> {
      if (v == null || !Double.isFinite(v)) {
        node.putNull(k);
      } else if (k.equals("step")) {
        node.put(k, v.longValue());
      } else {
        node.put(k, v);
      }
    });
    byte[] line;
    try {
      line = (MAPPER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try {
      Files.write(file, line, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + AtomicFiles.describe(e), e);
    }
    digest.update(line);
    rows.add(new LinkedHashMap<>(row));
  }

  /** Every row so far (including those kept from before a resume). */
  public List<Map<String, Double>> rows() {
    return List.copyOf(rows);
  }

  /** Number of lines written so far. */
  public long lines() {
    return rows.size();
  }

  /** SHA-256 (hex) of every line written so far, for the checkpoint. */
  public String sha256Hex() {
    return hex(cloneOf(digest).digest());
  }

  public Path file() {
    return file;
  }

  /** Reads a {@code metrics.jsonl} file into rows (nulls become NaN). */
  public static List<Map<String, Double>> read(Path file) throws IOException {
    List<Map<String, Double>> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(parse(line));
      }
    }
    return out;
  }

  private static byte[] readIfPresent(Path file) {
    try {
      return Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
    }
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, Double> parse(String line) {
    try {
      Map<String, Double> row = new LinkedHashMap<>();
      JsonNode node = MAPPER.readTree(line);
      node.fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue().isNumber()
          ? e.getValue().asDouble() : Double.NaN));
      return row;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metrics line is not JSON: " + line, e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest cloneOf(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
