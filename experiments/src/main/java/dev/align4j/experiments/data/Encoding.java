package dev.align4j.experiments.data;

import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.GenerationPrompt;
import dev.align4j.policies.text.TokenizedChat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes data sets with a chat template, keeps the first {@code maxLength} tokens of each sequence (as
 * open-instruct does), drops examples with no completion token left, and reports the counts; and pads tokenized
 * conversations into {@link SequenceBatch}es that score exactly the completion tokens.
 */
public final class Encoding {
  private Encoding() {}

  /** Encoded examples with the truncation report. */
  public record Encoded<T>(List<T> examples, TruncationReport report) {
    public Encoded {
      examples = List.copyOf(examples);
    }
  }

  /** SFT conversations → token ids with their assistant-only loss masks. */
  public static Encoded<TokenizedChat> sft(List<SftExample> data, ChatEncoder encoder, int maxLength) {
    List<TokenizedChat> out = new ArrayList<>();
    int truncated = 0;
    for (SftExample e : data) {
      TokenizedChat c = encoder.encode(e.messages(), GenerationPrompt.OMIT, maxLength);
      if (c.lossTokenCount() == 0 || c.length() < 2) {
        continue;
      }
      truncated += c.truncation().isTruncated() ? 1 : 0;
      out.add(c);
    }
    return new Encoded<>(out, new TruncationReport(data.size(), truncated, data.size() - out.size()));
  }

  /**
   * Preference pairs → tokenized (prompt + chosen, prompt + rejected) scoring the final turn only: earlier assistant
   * turns of a multi-turn prompt are context, as in TRL and open-instruct's DPO ({@link ChatEncoder#encodeLastTurn});
   * a pair is dropped if either side has no completion token left.
   */
  public static Encoded<EncodedPair> preferences(List<PreferenceExample> data, ChatEncoder encoder, int maxLength) {
    List<EncodedPair> out = new ArrayList<>();
    int truncated = 0;
    for (PreferenceExample e : data) {
      TokenizedChat chosen = encoder.encodeLastTurn(e.prompt(), e.chosen(), maxLength);
      TokenizedChat rejected = encoder.encodeLastTurn(e.prompt(), e.rejected(), maxLength);
      if (chosen.lossTokenCount() == 0 || rejected.lossTokenCount() == 0) {
        continue;
      }
      truncated += chosen.truncation().isTruncated() || rejected.truncation().isTruncated() ? 1 : 0;
      out.add(new EncodedPair(chosen, rejected));
    }
    return new Encoded<>(out, new TruncationReport(data.size(), truncated, data.size() - out.size()));
  }

  /** Right-pads conversations into one batch scoring their loss-mask tokens (never position 0). */
  public static SequenceBatch batch(List<TokenizedChat> chats, int padId) {
    int t = 2;
    for (TokenizedChat c : chats) {
      t = Math.max(t, c.length());
    }
    int n = chats.size();
    int[][] tokens = new int[n][t];
    int[][] attention = new int[n][t];
    int[][] completion = new int[n][t];
    for (int b = 0; b < n; b++) {
      int[] ids = chats.get(b).ids();
      boolean[] mask = chats.get(b).lossMask();
      Arrays.fill(tokens[b], padId);
      for (int i = 0; i < ids.length; i++) {
        tokens[b][i] = ids[i];
        attention[b][i] = 1;
        completion[b][i] = i > 0 && mask[i] ? 1 : 0;
      }
    }
    return new SequenceBatch(tokens, attention, completion);
  }
}
