package dev.align4j.policies.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A padded batch of token sequences to score: {@code tokens[b][t]}, {@code attentionMask[b][t]} (1 = real token,
 * 0 = padding) and {@code completionMask[b][t]} (1 = token t is scored, i.e. {@code log p(tokens[t] | tokens[<t])}
 * counts; 0 for prompt tokens and padding). Position 0 is never scored (nothing predicts it); a scored token must
 * be a real token. All rows have the same length T.
 */
public record SequenceBatch(int[][] tokens, int[][] attentionMask, int[][] completionMask) {
  public SequenceBatch {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("tokens: a batch needs at least one sequence");
    }
    if (attentionMask.length != tokens.length || completionMask.length != tokens.length) {
      throw new IllegalArgumentException("attentionMask and completionMask must have " + tokens.length + " rows");
    }
    int t = tokens[0].length;
    if (t < 2) {
      throw new IllegalArgumentException("tokens: sequences must have length >= 2 to score anything, got " + t);
    }
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b].length != t || attentionMask[b].length != t || completionMask[b].length != t) {
        throw new IllegalArgumentException("row " + b + ": tokens, attentionMask and completionMask must all have "
            + "length " + t);
      }
      if (completionMask[b][0] != 0) {
        throw new IllegalArgumentException("completionMask[" + b + "][0] must be 0: position 0 cannot be scored");
      }
      for (int i = 0; i < t; i++) {
        int a = attentionMask[b][i];
        int c = completionMask[b][i];
        if ((a != 0 && a != 1) || (c != 0 && c != 1)) {
          throw new IllegalArgumentException("masks must hold 0 or 1, row " + b + " position " + i);
        }
        if (c == 1 && a == 0) {
          throw new IllegalArgumentException("completionMask[" + b + "][" + i + "] = 1 on a padding position");
        }
      }
    }
  }

  /**
   * Right-pads {@code sequences} with {@code padId}; sequence b scores tokens {@code completionStarts[b] ..
   * end}. Each start must be in [1, length].
   */
  public static SequenceBatch rightPadded(List<int[]> sequences, int[] completionStarts, int padId) {
    if (sequences.size() != completionStarts.length) {
      throw new IllegalArgumentException("completionStarts: need one per sequence");
    }
    int t = 2;
    for (int[] s : sequences) {
      t = Math.max(t, s.length);
    }
    int n = sequences.size();
    int[][] tok = new int[n][t];
    int[][] att = new int[n][t];
    int[][] comp = new int[n][t];
    for (int b = 0; b < n; b++) {
      int[] s = sequences.get(b);
      int start = completionStarts[b];
      if (start < 1 || start > s.length) {
        throw new IllegalArgumentException("completion_start " + start + " of sequence " + b + " must be in [1, "
            + s.length + "]");
      }
      java.util.Arrays.fill(tok[b], padId);
      for (int i = 0; i < s.length; i++) {
        tok[b][i] = s[i];
        att[b][i] = 1;
        comp[b][i] = i >= start ? 1 : 0;
      }
    }
    return new SequenceBatch(tok, att, comp);
  }

  public int batchSize() {
    return tokens.length;
  }

  /** Rows {@code [from, to)} as a batch of their own (padded to this batch's length, as they are here). */
  public SequenceBatch rows(int from, int to) {
    return new SequenceBatch(java.util.Arrays.copyOfRange(tokens, from, to),
        java.util.Arrays.copyOfRange(attentionMask, from, to), java.util.Arrays.copyOfRange(completionMask, from, to));
  }

  public int length() {
    return tokens[0].length;
  }

  /** Number of scored tokens of row b. */
  public int scoredCount(int b) {
    int n = 0;
    for (int c : completionMask[b]) {
      n += c;
    }
    return n;
  }

  /** Tokens as an int64 [B, T] array in {@code manager}. */
  public NDArray tokensArray(NDManager manager) {
    return manager.create(flatten(tokens), new Shape(batchSize(), length()));
  }

  /** The attention mask as an int64 [B, T] array in {@code manager}. */
  public NDArray attentionMaskArray(NDManager manager) {
    return manager.create(flatten(attentionMask), new Shape(batchSize(), length()));
  }

  private static long[] flatten(int[][] rows) {
    int t = rows[0].length;
    long[] out = new long[rows.length * t];
    for (int b = 0; b < rows.length; b++) {
      for (int i = 0; i < t; i++) {
        out[b * t + i] = rows[b][i];
      }
    }
    return out;
  }
}
