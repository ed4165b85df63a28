package dev.align4j.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code id}s seen so far in one input file; a second line with an id already seen is a
 * {@link BadInputException} naming both lines. Ids are compared as JSON values: {@code "7"} and {@code 7} differ.
 *
 * <pre>{@code
 * UniqueIds ids = new UniqueIds();
 * for (JsonLine line : Jsonl.read(file)) {
 *   ... validate the line ...
 *   ids.add(line);   // IN.jsonl:9: field 'id': duplicate id "p3" (first on line 4)
 * }
 * }</pre>
 */
public final class UniqueIds {
  private final Map<String, Integer> firstLine = new HashMap<>();

  /** Records {@code line}'s id (required); throws if an earlier line had the same one. */
  public void add(JsonLine line) {
    JsonNode id = line.id();
    Integer first = firstLine.putIfAbsent(key(id), line.line());
    if (first != null) {
      throw duplicate(line.file(), line.line(), id, first);
    }
  }

  /** Records {@code line}'s id when it has one (files whose ids are optional). */
  public void addIfPresent(JsonLine line) {
    if (line.has("id")) {
      add(line);
    }
  }

  /** How ids are compared: their JSON text. */
  public static String key(JsonNode id) {
    return id.toString();
  }

  /** The error for {@code id} on {@code line}, first seen on {@code firstLine}. */
  public static BadInputException duplicate(java.nio.file.Path file, int line, JsonNode id, long firstLine) {
    return new BadInputException(file, line, "id", "duplicate id " + id + " (first on line " + firstLine + ")");
  }
}
