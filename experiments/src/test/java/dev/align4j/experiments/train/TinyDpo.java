package dev.align4j.experiments.train;

import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.PreferenceExample;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.ReferenceScores;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.policies.text.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/** Four addition preference pairs ("i+(i+3)=": right answer over right + 1) and fixed reference log-probs. */
final class TinyDpo {
  private TinyDpo() {}

  /** The four pairs, encoded for {@code policy} (at most 32 tokens). */
  static List<EncodedPair> pairs(PolicyModel policy) {
    List<PreferenceExample> data = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      data.add(new PreferenceExample(List.of(ChatMessage.user(i + "+" + (i + 3) + "=")),
          List.of(ChatMessage.assistant(Integer.toString(2 * i + 3))),
          List.of(ChatMessage.assistant(Integer.toString(2 * i + 4)))));
    }
    return Encoding.preferences(data, policy.encoder(), 32).examples();
  }

  /** Reference sums {@code −1 − i/4} (chosen) and {@code −2 + i/4} (rejected) over 2 tokens for n pairs. */
  static ReferenceScores reference(int n) {
    List<ReferenceLogProbs> chosen = new ArrayList<>();
    List<ReferenceLogProbs> rejected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      chosen.add(ReferenceLogProbs.ofSum(-1.0 - 0.25 * i, 2));
      rejected.add(ReferenceLogProbs.ofSum(-2.0 + 0.25 * i, 2));
    }
    return new ReferenceScores(chosen, rejected);
  }
}
