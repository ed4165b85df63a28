package dev.align4j.experiments.data;

import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.policies.text.ChatMessage;
import dev.align4j.policies.text.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One RL-with-verifiable-rewards prompt: {@code {"id": "p1", "prompt": "12+7=", "gold": "19"}} (the prompt may
 * also be a message list); the math verifier checks completions against {@code gold}.
 *
 * @param id the prompt's id (the line number when absent)
 * @param prompt the conversation to complete
 * @param gold the reference answer
 */
public record MathPrompt(String id, List<ChatMessage> prompt, String gold) {
  private static final Set<String> FIELDS = Set.of("id", "prompt", "gold", "source");

  public MathPrompt {
    prompt = List.copyOf(prompt);
    if (gold.isBlank()) {
      throw new IllegalArgumentException("gold must not be blank");
    }
  }

  /** Reads every line of a prompt JSONL file. */
  public static List<MathPrompt> readJsonl(Path file) {
    List<MathPrompt> out = new ArrayList<>();
    UniqueIds ids = new UniqueIds();
    for (JsonLine line : Jsonl.read(file)) {
      line.onlyFields(FIELDS);
      String id = line.has("id") ? line.id().asText() : Integer.toString(line.line());
      String gold = line.has("gold") && line.require("gold").isNumber()
          ? line.require("gold").asText() : line.string("gold");
      if (gold.isBlank()) {
        throw line.error("gold", "must not be blank");
      }
      ids.addIfPresent(line);
      out.add(new MathPrompt(id, Conversations.read(line, "prompt", Role.USER), gold));
    }
    return out;
  }
}
