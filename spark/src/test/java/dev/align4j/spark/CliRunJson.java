package dev.align4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.Jsonl;
import java.io.UncheckedIOException;

/** Parses one output line in tests. */
final class CliRunJson {
  private CliRunJson() {}

  static JsonNode read(String line) {
    try {
      return Jsonl.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
