package dev.align4j.policies.text.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed chat template fixtures ({@code src/test/resources/chat-templates/}): real model templates, the
 * conversations, and what Python's Jinja2 rendered (written by {@code generate.py}, see the README there).
 */
public final class ChatTemplateFixtures {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIR = "/chat-templates/";

  private ChatTemplateFixtures() {}

  /** One rendered case of expected.jsonl. */
  public record Case(String template, String conversation, boolean addGenerationPrompt, JsonNode row) {
    @Override
    public String toString() {
      return template + " / " + conversation + (addGenerationPrompt ? " / gen" : "");
    }
  }

  public static String resource(String name) {
    try (InputStream in = ChatTemplateFixtures.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + DIR + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode manifest() {
    return read(resource("templates.json"));
  }

  /** The template source of a manifest entry. */
  public static String templateSource(String template) {
    return resource(manifest().get(template).get("file").asText());
  }

  /** Special tokens of a manifest entry: only those set (as transformers passes its special_tokens_map). */
  public static Map<String, Object> specialTokens(String template) {
    Map<String, Object> out = new LinkedHashMap<>();
    manifest().get(template).get("special_tokens").fields().forEachRemaining(e -> {
      if (!e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    });
    return out;
  }

  public static JsonNode conversation(String id) {
    for (JsonNode c : read(resource("conversations.json"))) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no conversation " + id);
  }

  public static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (String line : resource("expected.jsonl").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode row = read(line);
      out.add(new Case(row.get("template").asText(), row.get("conversation").asText(),
          row.get("add_generation_prompt").asBoolean(), row));
    }
    return out;
  }

  /** The Jinja variables of a case: special tokens, tools and extra kwargs, messages, add_generation_prompt. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> variables(Case c) {
    JsonNode conv = conversation(c.conversation());
    Map<String, Object> vars = new LinkedHashMap<>(specialTokens(c.template()));
    if (conv.has("tools")) {
      vars.put("tools", JSON.convertValue(conv.get("tools"), List.class));
    }
    if (conv.has("kwargs")) {
      vars.putAll(JSON.convertValue(conv.get("kwargs"), Map.class));
    }
    vars.put("messages", JSON.convertValue(conv.get("messages"), List.class));
    vars.put("add_generation_prompt", c.addGenerationPrompt());
    return vars;
  }

  /** Code-point spans of a row field as UTF-16 spans of {@code text}. */
  public static List<int[]> spans(JsonNode row, String field, String text) {
    List<int[]> out = new ArrayList<>();
    for (JsonNode s : row.get(field)) {
      out.add(new int[] {text.offsetByCodePoints(0, s.get(0).asInt()), text.offsetByCodePoints(0, s.get(1).asInt())});
    }
    return out;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
