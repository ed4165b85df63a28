package dev.align4j.policies.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.align4j.policies.llama.LlamaModel;

/**
 * Computes {@link BatchLogProbs} for a padded batch: one forward pass to the final hidden states, then only the
 * rows that predict a scored token go through the LM head, {@code chunkRows} rows at a time:
 * {@code logp = log_softmax(h W_lm^T / τ)[target]} (τ = 1 unless {@link ScoreOptions} says otherwise, which can
 * also ask for the per-token entropy). At most one [chunkRows, vocab] logits/log-softmax pair is live in
 * inference (a 128k vocabulary at 2k tokens fits). Under autograd, torch keeps each chunk's log-softmax output for
 * the backward pass, so training memory grows with the number of scored tokens times vocab.
 *
 * <p>Row selection and scatter-back use embedding lookups, which are differentiable in the gathered array, so
 * gradients reach the model through exactly the scored positions.
 */
public final class TokenLogProbs {
  /** Default rows per LM-head chunk. */
  public static final int DEFAULT_CHUNK_ROWS = 512;

  private TokenLogProbs() {}

  /** {@link #compute(LlamaModel, SequenceBatch, NDManager, int)} with {@link #DEFAULT_CHUNK_ROWS}. */
  public static BatchLogProbs compute(LlamaModel model, SequenceBatch batch, NDManager manager) {
    return compute(model, batch, manager, DEFAULT_CHUNK_ROWS);
  }

  /**
   * Scores {@code batch}; every array (results and temporaries) is attached to {@code manager}, which the caller
   * closes after the step.
   */
  public static BatchLogProbs compute(LlamaModel model, SequenceBatch batch, NDManager manager, int chunkRows) {
    return score(model, batch, manager, new ScoreOptions(chunkRows, 1.0, ScoreOptions.Entropy.NONE)).logProbs();
  }

  /**
   * Scores {@code batch} with the logits divided by {@code options.temperature()} and, when asked, the per-token
   * entropy of that distribution ({@link LogitScores}); every array is attached to {@code manager}.
   */
  public static TokenScores score(LlamaModel model, SequenceBatch batch, NDManager manager, ScoreOptions options) {
    int chunkRows = options.chunkRows();
    int vocab = model.config().vocabSize();
    int b = batch.batchSize();
    int t = batch.length();
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < t; i++) {
        int id = batch.tokens()[r][i];
        if (batch.attentionMask()[r][i] == 1 && (id < 0 || id >= vocab)) {
          throw new IllegalArgumentException("token id " + id + " (row " + r + ", position " + i
              + ") outside [0, vocab_size=" + vocab + ")");
        }
      }
    }
    int[][] toks = batch.tokens();
    // flat row r*(t-1)+i predicts token i+1 of sequence r; slot[row] = 1 + index among scored rows, or 0
    long[] scoredRows = new long[countScored(batch)];
    long[] targets = new long[scoredRows.length];
    long[] slot = new long[b * (t - 1)];
    float[] counts = new float[b];
    int k = 0;
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < t - 1; i++) {
        if (batch.completionMask()[r][i + 1] == 1) {
          scoredRows[k] = (long) r * (t - 1) + i;
          targets[k] = toks[r][i + 1];
          slot[r * (t - 1) + i] = k + 1;
          counts[r]++;
          k++;
        }
      }
    }
    NDArray tokens = batch.tokensArray(manager).toDevice(model.manager().getDevice(), false);
    NDArray mask = batch.attentionMaskArray(manager).toDevice(model.manager().getDevice(), false);
    tokens = clampPadding(tokens, mask);
    NDArray hidden = model.hiddenStates(tokens, mask);
    long h = hidden.getShape().get(2);
    NDArray predicting = hidden.get(":, :-1, :").reshape(new Shape((long) b * (t - 1), h));
    NDArray values;
    NDArray entropies = null;
    boolean withEntropy = options.entropy() != ScoreOptions.Entropy.NONE;
    if (scoredRows.length == 0) {
      values = manager.zeros(new Shape(1)).toDevice(hidden.getDevice(), false);
      entropies = withEntropy ? values : null;
    } else {
      NDArray rows = manager.create(scoredRows).toDevice(hidden.getDevice(), false);
      NDArray selected = rows.getNDArrayInternal().embedding(rows, predicting, SparseFormat.DENSE)
          .singletonOrThrow();
      NDList parts = new NDList();
      NDList entropyParts = new NDList();
      parts.add(selected.zerosLike().get(":1, 0")); // slot 0: the value of unscored positions
      entropyParts.add(parts.get(0));
      for (int start = 0; start < scoredRows.length; start += chunkRows) {
        int end = Math.min(scoredRows.length, start + chunkRows);
        NDArray tgt = manager.create(java.util.Arrays.copyOfRange(targets, start, end))
            .toDevice(hidden.getDevice(), false).reshape(end - start, 1);
        try (NDArray logits = model.logits(selected.get("{}:{}", start, end))) { // [rows, vocab]
          LogitScores.Result r = LogitScores.of(logits, tgt, options.temperature(), options.entropy());
          parts.add(r.logProbs()); // [rows]
          r.entropy().ifPresent(entropyParts::add); // [rows]
        }
      }
      values = NDArrays.concat(parts, 0);
      entropies = withEntropy ? NDArrays.concat(entropyParts, 0) : null;
    }
    NDArray slots = manager.create(slot).toDevice(hidden.getDevice(), false);
    NDArray perToken = scatter(slots, values, b, t); // [B, T-1]
    NDArray sums = perToken.sum(new int[] {1});
    NDArray countArr = manager.create(counts).toDevice(hidden.getDevice(), false);
    java.util.Optional<NDArray> entropy = java.util.Optional.ofNullable(entropies).map(e -> scatter(slots, e, b, t));
    return new TokenScores(new BatchLogProbs(perToken, sums, countArr), entropy);
  }

  /** {@code values[slot[r]]} for each flat row r, as {@code [B, T-1]} (an embedding lookup: differentiable). */
  private static NDArray scatter(NDArray slots, NDArray values, int b, int t) {
    return slots.getNDArrayInternal()
        .embedding(slots, values.reshape(-1, 1), SparseFormat.DENSE).singletonOrThrow()
        .reshape(b, t - 1);
  }

  /** Padding ids may be anything (e.g. -100); replace them with 0 so the embedding lookup stays in range. */
  private static NDArray clampPadding(NDArray tokens, NDArray mask) {
    return tokens.mul(mask);
  }

  private static int countScored(SequenceBatch batch) {
    int n = 0;
    for (int r = 0; r < batch.batchSize(); r++) {
      n += batch.scoredCount(r);
    }
    return n;
  }
}
