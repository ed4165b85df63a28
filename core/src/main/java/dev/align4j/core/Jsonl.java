package dev.align4j.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads JSONL files (one JSON object per line, blank lines skipped) with errors naming file and line. */
public final class Jsonl {
  /** Shared mapper ({@link StrictJson}): rejects NaN/Infinity literals, duplicate keys and trailing garbage. */
  public static final ObjectMapper MAPPER = StrictJson.mapper();

  private Jsonl() {}

  /** Reads every non-blank line of {@code file}; malformed JSON or a non-object line is a {@link BadInputException}. */
  public static List<JsonLine> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file, 0, null, "no such file");
    }
    List<JsonLine> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      int n = 0;
      while ((s = r.readLine()) != null) {
        n++;
        if (s.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = MAPPER.readTree(s);
        } catch (JsonProcessingException e) {
          throw new BadInputException(file, n, null, "malformed JSON: " + describe(e));
        }
        if (!(node instanceof ObjectNode obj)) {
          throw new BadInputException(file, n, null, "each line must be a JSON object");
        }
        out.add(new JsonLine(file, n, obj));
      }
    } catch (IOException e) {
      throw new BadInputException(file, 0, null, "cannot read: " + e.getMessage(), e);
    }
    return out;
  }

  /** Jackson's message, minus its advice to enable a parser feature (NaN and Infinity are never valid input). */
  private static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg.startsWith("Non-standard token")) {
      int cut = msg.indexOf(':');
      return (cut > 0 ? msg.substring(0, cut) : msg) + " (NaN and Infinity are not numbers in JSON)";
    }
    return msg;
  }
}
