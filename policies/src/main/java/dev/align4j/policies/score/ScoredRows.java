package dev.align4j.policies.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Which positions of a {@link SequenceBatch} are scored. Flat row {@code r·(T−1)+i} of the [B·(T−1)] prediction
 * rows predicts token {@code i+1} of sequence {@code r}; {@code rows[k]} is the k-th scored one and
 * {@code targets[k]} its token; {@code slot[row] = 1 + k} for scored rows and 0 elsewhere (slot 0 holds the value
 * of unscored positions); {@code counts[r]} = scored tokens of sequence r. Row selection and scatter-back are
 * embedding lookups, which are differentiable in the looked-up array.
 */
record ScoredRows(int batchSize, int length, long[] rows, long[] targets, long[] slot, float[] counts) {

  /** The scored positions of {@code batch}; every real token id must be in [0, vocab). */
  static ScoredRows of(SequenceBatch batch, int vocab) {
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
    int n = 0;
    for (int r = 0; r < b; r++) {
      n += batch.scoredCount(r);
    }
    long[] rows = new long[n];
    long[] targets = new long[n];
    long[] slot = new long[b * (t - 1)];
    float[] counts = new float[b];
    int k = 0;
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < t - 1; i++) {
        if (batch.completionMask()[r][i + 1] == 1) {
          rows[k] = (long) r * (t - 1) + i;
          targets[k] = batch.tokens()[r][i + 1];
          slot[r * (t - 1) + i] = k + 1;
          counts[r]++;
          k++;
        }
      }
    }
    return new ScoredRows(b, t, rows, targets, slot, counts);
  }

  /** Number of scored tokens. */
  int size() {
    return rows.length;
  }

  /** Tokens [B, T] (padding ids replaced by 0 so that the embedding lookup stays in range) on the model device. */
  static NDArray[] inputs(SequenceBatch batch, NDManager manager, ai.djl.Device device) {
    NDArray mask = batch.attentionMaskArray(manager).toDevice(device, false);
    NDArray tokens = batch.tokensArray(manager).toDevice(device, false).mul(mask);
    return new NDArray[] {tokens, mask};
  }

  /** The scored rows [N, hidden] of the hidden states [B, T, hidden] (differentiable in {@code hidden}). */
  NDArray select(NDArray hidden) {
    long h = hidden.getShape().get(2);
    NDArray predicting = hidden.get(":, :-1, :").reshape(new Shape((long) batchSize * (length - 1), h));
    NDArray idx = hidden.getManager().create(rows).toDevice(hidden.getDevice(), false);
    return idx.getNDArrayInternal().embedding(idx, predicting, SparseFormat.DENSE).singletonOrThrow();
  }

  /** Targets of scored rows [start, end) as an int64 [end − start, 1] array like {@code like}. */
  NDArray targets(NDArray like, int start, int end) {
    return like.getManager().create(java.util.Arrays.copyOfRange(targets, start, end))
        .toDevice(like.getDevice(), false).reshape(end - start, 1);
  }

  /**
   * Scatters per-slot values [N + 1] (slot 0 = the value of unscored positions) back to {@link BatchLogProbs}:
   * per-token [B, T−1], sums [B], counts [B].
   */
  BatchLogProbs scatter(NDArray slotValues) {
    NDManager m = slotValues.getManager();
    NDArray slots = m.create(slot).toDevice(slotValues.getDevice(), false);
    NDArray perToken = slots.getNDArrayInternal()
        .embedding(slots, slotValues.reshape(-1, 1), SparseFormat.DENSE).singletonOrThrow()
        .reshape(batchSize, length - 1); // [B, T-1]
    NDArray sums = perToken.sum(new int[] {1}); // [B]
    NDArray countArr = m.create(counts).toDevice(slotValues.getDevice(), false); // [B]
    return new BatchLogProbs(perToken, sums, countArr);
  }

  /** {@code [0, values...]}: the slot array for {@link #scatter} from the scored values [N]. */
  static NDArray withUnscoredSlot(NDArray values) {
    NDArray zero = values.getManager().zeros(new Shape(1), values.getDataType()).toDevice(values.getDevice(), false);
    return NDArrays.concat(new NDList(zero, values), 0);
  }
}
