package dev.align4j.spark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.app.cli.ScoringRow;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.policies.llama.LlamaConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-tokenized scoring rows {@code {"id", "tokens": [int], "completion_start": k}} read and validated on the
 * driver with the single-machine {@code logprobs} command's rules and messages ({@link ScoringRow}): every line is
 * parsed first, then token ids are checked against the model's {@code vocab_size}.
 *
 * @param ids each row's {@code id}
 * @param tokens each row's token ids
 * @param completionStarts each row's first scored position
 */
public record SequenceRows(List<JsonNode> ids, List<int[]> tokens, int[] completionStarts) {
  /**
   * Reads {@code input}, checking each line as the single-machine command does and in the same order (fields, token
   * ids against {@code model}'s vocabulary, length and memory for batches of {@code batchSize} rows of {@code bytesPerElement}-byte values, then the id's
   * uniqueness); throws {@code BadInputException} naming file, line and field.
   */
  public static SequenceRows read(Path input, LlamaConfig model, int batchSize, int bytesPerElement) {
    List<JsonNode> ids = new ArrayList<>();
    List<int[]> tokens = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    UniqueIds unique = new UniqueIds();
    for (JsonLine l : Jsonl.read(input)) {
      ids.add(l.id());
      if (!l.has("tokens")) {
        throw l.error("tokens", "missing (spark ref-logprobs scores pre-tokenized rows {\"id\", \"tokens\", "
            + "\"completion_start\"}; tokenize text with the single-machine logprobs command's rules first)");
      }
      ScoringRow row = ScoringRow.parseTokens(l);
      row.checkIds(model.vocabSize());
      row.checkFits(model, batchSize, bytesPerElement);
      unique.add(l);
      tokens.add(row.tokens());
      starts.add(row.completionStart());
    }
    return new SequenceRows(List.copyOf(ids), List.copyOf(tokens), starts.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Number of rows. */
  public int size() {
    return tokens.size();
  }

  /** The longest row, in tokens. */
  public int longest() {
    return tokens.stream().mapToInt(t -> t.length).max().orElse(1);
  }
}
