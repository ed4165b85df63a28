package dev.align4j.spark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.app.cli.ScoringRow;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
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
  /** Reads {@code input}; throws {@code BadInputException} naming file, line and field. */
  public static SequenceRows read(Path input, Path modelDir) {
    List<JsonLine> lines = Jsonl.read(input);
    List<JsonNode> ids = new ArrayList<>();
    List<ScoringRow> rows = new ArrayList<>(lines.size());
    for (JsonLine l : lines) {
      ids.add(l.id());
      if (!l.has("tokens")) {
        throw l.error("tokens", "missing (spark ref-logprobs scores pre-tokenized rows {\"id\", \"tokens\", "
            + "\"completion_start\"}; tokenize text with the single-machine logprobs command's rules first)");
      }
      rows.add(ScoringRow.parseTokens(l));
    }
    int vocab = LlamaConfig.read(modelDir.resolve("config.json")).vocabSize();
    List<int[]> tokens = new ArrayList<>(rows.size());
    int[] starts = new int[rows.size()];
    for (ScoringRow row : rows) {
      row.checkIds(vocab);
      starts[tokens.size()] = row.completionStart();
      tokens.add(row.tokens());
    }
    return new SequenceRows(List.copyOf(ids), List.copyOf(tokens), starts);
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
