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
 * A prompt to sample completions for: {@code {"id": "q1", "prompt": "..."}} (text or a message list); other
 * fields of prompt files ({@code gold}, {@code source}) are allowed and ignored.
 *
 * @param id the prompt's id (the line number when absent)
 * @param prompt the conversation to complete
 */
public record ChatPrompt(String id, List<ChatMessage> prompt) {
  private static final Set<String> FIELDS = Set.of("id", "prompt", "gold", "source");

  public ChatPrompt {
    prompt = List.copyOf(prompt);
  }

  /** Reads every line of a prompt JSONL file. */
  public static List<ChatPrompt> readJsonl(Path file) {
    List<ChatPrompt> out = new ArrayList<>();
    UniqueIds ids = new UniqueIds();
    for (JsonLine line : Jsonl.read(file)) {
      line.onlyFields(FIELDS);
      String id = line.has("id") ? line.id().asText() : Integer.toString(line.line());
      ids.addIfPresent(line);
      out.add(new ChatPrompt(id, Conversations.read(line, "prompt", Role.USER)));
    }
    return out;
  }
}
