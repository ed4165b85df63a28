package dev.align4j.experiments.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.JsonLine;
import dev.align4j.policies.text.ChatMessage;
import dev.align4j.policies.text.Role;
import java.util.ArrayList;
import java.util.List;

/** Reads a JSONL field that is either plain text (one message of a given role) or a list of messages. */
final class Conversations {
  private Conversations() {}

  /** {@code "text"} → one message with {@code roleForText}; {@code [{"role","content"}, ...]} → the messages. */
  static List<ChatMessage> read(JsonLine line, String field, Role roleForText) {
    JsonNode v = line.require(field);
    if (v.isTextual()) {
      return List.of(new ChatMessage(roleForText, v.asText()));
    }
    if (!v.isArray() || v.isEmpty()) {
      throw line.error(field, "must be a string or a non-empty list of {\"role\", \"content\"} messages");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode m = v.get(i);
      String where = field + "[" + i + "]";
      if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw line.error(where, "must be {\"role\": \"system|user|assistant\", \"content\": \"...\"}");
      }
      Role role;
      try {
        role = Role.parse(m.get("role").asText());
      } catch (IllegalArgumentException e) {
        throw line.error(where + ".role", e.getMessage());
      }
      out.add(new ChatMessage(role, m.get("content").asText()));
    }
    return List.copyOf(out);
  }
}
