package dev.align4j.policies.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.policies.llama.LlamaModel;

/**
 * Computes {@link BatchLogProbs} for a padded batch: one forward pass to the final hidden states, then only the
 * rows that predict a scored token go through the LM head, {@code chunkRows} rows at a time:
 * {@code logp = log_softmax(h W_lm^T / τ)[target]} (τ = 1 unless {@link ScoreOptions} says otherwise, which can also
 * ask for the per-token entropy, {@link #score}). At most one [chunkRows, vocab] logits/log-softmax pair is live in
 * inference (a 128k vocabulary at 2k tokens fits). Under autograd, torch keeps each chunk's log-softmax output for
 * the backward pass, so training memory grows with the number of scored tokens times vocab: training steps use
 * {@link ChunkedLogProbs}, which recomputes each chunk in the backward pass instead.
 *
 * <p>Row selection and scatter-back use embedding lookups, which are differentiable in the gathered array, so
 * gradients reach the model through exactly the scored positions.
 */
public final class TokenLogProbs {
  /** Default rows per LM-head chunk (at most: see {@link #chunkRows}). */
  public static final int DEFAULT_CHUNK_ROWS = 512;

  /** Elements of one [rows, vocab] chunk array at most: 8 Mi floats, 32 MiB in fp32. */
  public static final long CHUNK_ELEMENTS = 8L << 20;

  /**
   * The rows a chunk really takes: {@code requested}, but no more than {@link #CHUNK_ELEMENTS} / vocab (at least 16),
   * so that a chunk's arrays stay the same size whatever the vocabulary: 256 rows at 32k, 65 at Llama 3's 128256.
   */
  public static int chunkRows(int requested, int vocab) {
    requireChunkRows(requested);
    return (int) Math.max(1, Math.min(requested, Math.max(16, CHUNK_ELEMENTS / Math.max(1, vocab))));
  }

  private TokenLogProbs() {}

  /** {@link #compute(LlamaModel, SequenceBatch, NDManager, int)} with {@link #DEFAULT_CHUNK_ROWS}. */
  public static BatchLogProbs compute(LlamaModel model, SequenceBatch batch, NDManager manager) {
    return compute(model, batch, manager, DEFAULT_CHUNK_ROWS);
  }

  /**
   * Scores {@code batch}; every array (results and temporaries) is attached to {@code manager}, which the caller
   * closes after the step.
   */
  public static BatchLogProbs compute(LlamaModel model, SequenceBatch batch, NDManager manager, int requestedRows) {
    return score(model, batch, manager, new ScoreOptions(requestedRows, 1.0, ScoreOptions.Entropy.NONE)).logProbs();
  }

  /**
   * Scores {@code batch} with the logits divided by {@code options.temperature()} and, when asked, the per-token
   * entropy of that distribution ({@link LogitScores}); every array is attached to {@code manager}. One pass: under
   * a collector, torch keeps each chunk's [rows, vocab] arrays for the backward pass ({@link ChunkedLogProbs} takes
   * the same options without that cost).
   */
  public static TokenScores score(LlamaModel model, SequenceBatch batch, NDManager manager, ScoreOptions options) {
    ScoredRows scored = ScoredRows.of(batch, model.config().vocabSize());
    NDArray[] in = ScoredRows.inputs(batch, manager, model.manager().getDevice());
    NDArray hidden = model.hiddenStates(in[0], in[1]); // [B, T, hidden]
    boolean withEntropy = options.entropy() != ScoreOptions.Entropy.NONE;
    NDArray values;
    NDArray entropies = null;
    if (scored.size() == 0) {
      values = manager.zeros(new Shape(0)).toDevice(hidden.getDevice(), false);
      entropies = values;
    } else {
      NDArray selected = scored.select(hidden); // [N, hidden]
      NDList parts = new NDList();
      NDList entropyParts = new NDList();
      int rows = chunkRows(options.chunkRows(), model.config().vocabSize());
      for (int start = 0; start < scored.size(); start += rows) {
        int end = Math.min(scored.size(), start + rows);
        try (NDArray logits = model.logits(selected.get("{}:{}", start, end))) { // [c, vocab]
          LogitScores.Result r = LogitScores.of(logits, scored.targets(selected, start, end), options.temperature(),
              options.entropy());
          parts.add(r.logProbs()); // [c]
          r.entropy().ifPresent(entropyParts::add); // [c]
        }
      }
      // not concat for one part: DJL duplicates a single array without its graph
      values = parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 0); // [N]
      if (withEntropy) {
        entropies = entropyParts.size() == 1 ? entropyParts.singletonOrThrow() : NDArrays.concat(entropyParts, 0);
      }
    }
    BatchLogProbs logProbs = scored.scatter(ScoredRows.withUnscoredSlot(values));
    java.util.Optional<NDArray> entropy = withEntropy
        ? java.util.Optional.of(scored.scatter(ScoredRows.withUnscoredSlot(entropies)).perToken())
        : java.util.Optional.empty();
    return new TokenScores(logProbs, entropy);
  }

  static void requireChunkRows(int chunkRows) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
    }
  }
}
