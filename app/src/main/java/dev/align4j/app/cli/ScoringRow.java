package dev.align4j.app.cli;

import dev.align4j.core.JsonLine;
import java.util.Set;

/**
 * One sequence to score: its input line, token ids and the first scored position (position 0 has no prediction).
 * {@link #parseTokens} reads the pre-tokenized form {@code {"id", "tokens": [int], "completion_start": k}} with the
 * rules and messages of {@code logprobs}, shared by {@code spark ref-logprobs}.
 *
 * @param line the input line (for its {@code id} and for errors)
 * @param tokens the token ids
 * @param completionStart the first scored position, in {@code [1, tokens.length]}
 */
public record ScoringRow(JsonLine line, int[] tokens, int completionStart) {
  private static final Set<String> TOKEN_FIELDS = Set.of("id", "tokens", "completion_start");

  /** Parses a pre-tokenized line; throws {@code BadInputException} naming the field. */
  public static ScoringRow parseTokens(JsonLine l) {
    l.onlyFields(TOKEN_FIELDS);
    int[] tokens = l.ints("tokens");
    int k = l.integer("completion_start");
    if (tokens.length < 1) {
      throw l.error("tokens", "must hold at least one token");
    }
    if (k < 1 || k > tokens.length) {
      throw l.error("completion_start", "must be in [1, " + tokens.length + "] (position 0 has no prediction)");
    }
    return new ScoringRow(l, tokens, k);
  }

  /** Throws {@code BadInputException} at {@code tokens[i]} for the first id outside {@code [0, vocab)}. */
  public void checkIds(int vocab) {
    LogprobsCommand.ModelOptions.checkIds(line, "tokens", tokens, vocab);
  }
}
