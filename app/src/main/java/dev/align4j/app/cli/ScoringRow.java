package dev.align4j.app.cli;

import dev.align4j.core.JsonLine;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.MemoryEstimate;
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

  /**
   * Refuses, before anything is allocated, a row longer than the model's {@code max_position_embeddings} or one
   * whose forward pass would not fit in memory (alone: an error on this line; in a batch of {@code batchSize}
   * rows as long as it: an error on {@code --batch-size}).
   */
  public void checkFits(LlamaConfig config, int batchSize, int bytesPerElement) {
    String field = line.has("tokens") ? "tokens" : "completion";
    if (tokens.length > config.maxPositionEmbeddings()) {
      throw line.error(field, tokens.length + " tokens exceed the model's max_position_embeddings "
          + config.maxPositionEmbeddings());
    }
    Options.fits(line, field, MemoryEstimate.forward(config, 1, tokens.length, false, bytesPerElement),
        MemoryEstimate.forward(config, batchSize, tokens.length, false, bytesPerElement));
  }

  /** Throws {@code BadInputException} at {@code tokens[i]} for the first id outside {@code [0, vocab)}. */
  public void checkIds(int vocab) {
    LogprobsCommand.ModelOptions.checkIds(line, "tokens", tokens, vocab);
  }
}
