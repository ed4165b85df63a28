package dev.align4j.experiments.data;

import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.policies.text.ChatMessage;
import dev.align4j.policies.text.Role;
import dev.align4j.rewards.Reward;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One RL prompt: {@code {"id": "p1", "prompt": "12+7=", <reference fields>}}, where the reference fields are the ones
 * the run's {@link Reward} reads ({@code gold} for math, {@code tests} for code, {@code constraints} for ifeval, all of
 * its components' for a weighted sum). The prompt may also be a message list; {@code source} is allowed and ignored.
 *
 * @param id the prompt's id (the line number when absent)
 * @param prompt the conversation to complete
 * @param reference what completions are checked against, parsed by the reward
 * @param <R> the reference type
 */
public record RlPrompt<R>(String id, List<ChatMessage> prompt, R reference) {
  private static final Set<String> FIELDS = Set.of("id", "prompt", "source");

  public RlPrompt {
    prompt = List.copyOf(prompt);
  }

  /** Reads every line of a prompt JSONL file; errors name the file, line and field (a repeated id too). */
  public static <R> List<RlPrompt<R>> readJsonl(Path file, Reward<R> reward) {
    Set<String> allowed = new HashSet<>(FIELDS);
    allowed.addAll(reward.referenceFields());
    List<RlPrompt<R>> out = new ArrayList<>();
    UniqueIds ids = new UniqueIds();
    for (JsonLine line : Jsonl.read(file)) {
      line.onlyFields(allowed);
      ids.addIfPresent(line);
      String id = line.has("id") ? line.id().asText() : Integer.toString(line.line());
      out.add(new RlPrompt<>(id, Conversations.read(line, "prompt", Role.USER), reward.reference(line)));
    }
    return out;
  }
}
