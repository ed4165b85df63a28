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
 * One preference pair: a prompt conversation and two assistant continuations.
 *
 * <p>JSONL layouts read by {@link #readJsonl}:
 * <pre>
 *   {"prompt": "2+3=", "chosen": "5", "rejected": "6"}                                  plain text
 *   {"prompt": "...", "chosen": [{"role":"user",...},{"role":"assistant",...}], "rejected": [...]}
 *                       UltraFeedback / Tulu: full conversations; the shared prefix is the prompt
 * </pre>
 * {@code id} and score fields ({@code chosen_score}, {@code rejected_score}, …) may be present and are ignored.
 *
 * @param prompt the conversation so far (ends with a user turn)
 * @param chosen the preferred continuation (assistant messages)
 * @param rejected the dispreferred continuation
 */
public record PreferenceExample(List<ChatMessage> prompt, List<ChatMessage> chosen, List<ChatMessage> rejected) {
  private static final Set<String> FIELDS = Set.of("id", "prompt", "chosen", "rejected", "chosen_score",
      "rejected_score", "score_chosen", "score_rejected", "source", "messages_id", "prompt_id");

  public PreferenceExample {
    prompt = List.copyOf(prompt);
    chosen = List.copyOf(chosen);
    rejected = List.copyOf(rejected);
    if (chosen.isEmpty() || rejected.isEmpty()) {
      throw new IllegalArgumentException("chosen and rejected need at least one assistant message");
    }
  }

  /** Reads every line of a preference JSONL file. */
  public static List<PreferenceExample> readJsonl(Path file) {
    List<PreferenceExample> out = new ArrayList<>();
    UniqueIds ids = new UniqueIds();
    for (JsonLine line : Jsonl.read(file)) {
      line.onlyFields(FIELDS);
      List<ChatMessage> chosen = Conversations.read(line, "chosen", Role.ASSISTANT);
      List<ChatMessage> rejected = Conversations.read(line, "rejected", Role.ASSISTANT);
      List<ChatMessage> prompt = line.has("prompt") ? Conversations.read(line, "prompt", Role.USER) : List.of();
      if (chosen.size() > 1 || chosen.get(0).role() != Role.ASSISTANT) {
        // full conversations: split off the shared prefix
        int shared = sharedPrefix(chosen, rejected);
        if (shared == 0 || shared == chosen.size() || shared == rejected.size()) {
          throw line.error("rejected", "chosen and rejected must share the prompt turns and differ after them");
        }
        prompt = chosen.subList(0, shared);
        chosen = chosen.subList(shared, chosen.size());
        rejected = rejected.subList(shared, rejected.size());
      } else if (prompt.isEmpty()) {
        throw line.error("prompt", "missing (needed when chosen and rejected are completions only)");
      }
      requireAssistant(line, "chosen", chosen);
      requireAssistant(line, "rejected", rejected);
      ids.addIfPresent(line);
      out.add(new PreferenceExample(prompt, chosen, rejected));
    }
    return out;
  }

  private static int sharedPrefix(List<ChatMessage> a, List<ChatMessage> b) {
    int n = 0;
    while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
      n++;
    }
    // the completion starts at the last assistant turn after the shared part
    while (n > 0 && a.get(n - 1).role() == Role.ASSISTANT) {
      n--;
    }
    return n;
  }

  private static void requireAssistant(JsonLine line, String field, List<ChatMessage> messages) {
    for (ChatMessage m : messages) {
      if (m.role() != Role.ASSISTANT) {
        throw line.error(field, "the completion after the prompt must be assistant turns only, got " + m.role());
      }
    }
  }
}
