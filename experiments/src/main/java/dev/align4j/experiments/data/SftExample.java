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
 * One supervised example: a conversation whose assistant turns are the training targets.
 *
 * <p>JSONL layouts read by {@link #readJsonl}: {@code {"messages": [{"role","content"}, ...]}} (Tulu SFT
 * mixture) or {@code {"prompt": "...", "completion": "..."}}; {@code id} and {@code source} may be present.
 *
 * @param messages the conversation, with at least one assistant turn
 */
public record SftExample(List<ChatMessage> messages) {
  private static final Set<String> FIELDS = Set.of("id", "source", "messages", "prompt", "completion");

  public SftExample {
    messages = List.copyOf(messages);
    if (messages.stream().noneMatch(m -> m.role() == Role.ASSISTANT)) {
      throw new IllegalArgumentException("messages need at least one assistant turn to train on");
    }
  }

  /** A single-turn example. */
  public static SftExample of(String prompt, String completion) {
    return new SftExample(List.of(ChatMessage.user(prompt), ChatMessage.assistant(completion)));
  }

  /** Reads every line of an SFT JSONL file. */
  public static List<SftExample> readJsonl(Path file) {
    List<SftExample> out = new ArrayList<>();
    UniqueIds ids = new UniqueIds();
    for (JsonLine line : Jsonl.read(file)) {
      line.onlyFields(FIELDS);
      List<ChatMessage> messages;
      if (line.has("messages")) {
        messages = Conversations.read(line, "messages", Role.USER);
        if (messages.stream().noneMatch(m -> m.role() == Role.ASSISTANT)) {
          throw line.error("messages", "needs at least one assistant turn to train on");
        }
      } else {
        messages = List.of(ChatMessage.user(line.string("prompt")), ChatMessage.assistant(line.string("completion")));
      }
      ids.addIfPresent(line);
      out.add(new SftExample(messages));
    }
    return out;
  }
}
