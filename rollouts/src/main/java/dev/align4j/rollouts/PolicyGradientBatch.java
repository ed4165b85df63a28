package dev.align4j.rollouts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.score.ScoreOptions;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.policies.score.TokenScores;
import dev.align4j.rollouts.loss.ClippedPolicyLoss;
import dev.align4j.rollouts.loss.LossAggregation;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import dev.align4j.rollouts.loss.PolicyLossInput;
import dev.align4j.rollouts.loss.PolicyLossOutput;
import java.util.Objects;
import java.util.Optional;

/**
 * One micro-batch ready for policy-gradient updates: B sequences of prompt + completion, right-padded, with
 * everything fixed when the batch was generated. Per-token arrays are {@code [B, T-1]}: position i holds the value
 * for token i+1, as {@link TokenLogProbs} computes it.
 *
 * @param sequences the padded token batch (prompt tokens unscored, completion tokens scored)
 * @param lossMask float {@code [B, T-1]}: 1 on the completion tokens the loss counts (0 on prompt and padding, and on
 *     every token of a truncated completion when {@code mask_truncated_completions} is on)
 * @param oldLogProbs log-probs of the sampling policy stored at generation, {@code [B, T-1]}; empty when the batch is
 *     used for exactly one update right after sampling, where they equal the current log-probs (the loss then uses
 *     the current ones, detached, as TRL and verl do)
 * @param refLogProbs log-probs of the reference, {@code [B, T-1]}, when the KL is in the loss
 * @param advantages {@code [B]} or {@code [B, T-1]}
 * @param temperature τ the policy is scored at: the sampling temperature, or 1
 */
public record PolicyGradientBatch(
    SequenceBatch sequences,
    NDArray lossMask,
    Optional<NDArray> oldLogProbs,
    Optional<NDArray> refLogProbs,
    NDArray advantages,
    double temperature) {

  public PolicyGradientBatch {
    Objects.requireNonNull(sequences, "sequences");
    Objects.requireNonNull(lossMask, "lossMask");
    Objects.requireNonNull(oldLogProbs, "oldLogProbs");
    Objects.requireNonNull(refLogProbs, "refLogProbs");
    Objects.requireNonNull(advantages, "advantages");
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
  }

  /** This micro-batch's weight in its update under {@code lossType}, known before any forward pass. */
  public double weight(LossAggregation lossType) {
    return lossType.weight(lossMask);
  }

  /**
   * How the current policy is scored for {@code loss}: at {@link #temperature}, with the per-token entropy
   * differentiable when the loss has an entropy bonus and as plain values (for the {@code entropy} metric) otherwise.
   */
  public ScoreOptions scoreOptions(PolicyLossConfig loss) {
    return ScoreOptions.at(temperature, loss.entropyCoef() > 0
        ? ScoreOptions.Entropy.DIFFERENTIABLE : ScoreOptions.Entropy.DETACHED);
  }

  /**
   * The loss inputs given the current policy's per-token log-probs {@code [B, T-1]} and entropy; without stored
   * old log-probs the current ones, detached, stand in (ratio 1).
   */
  public PolicyLossInput lossInput(NDArray logProbs, Optional<NDArray> entropy) {
    NDArray old = oldLogProbs.orElseGet(logProbs::stopGradient);
    return new PolicyLossInput(logProbs, old, refLogProbs, lossMask, advantages, entropy);
  }

  /**
   * Scores the batch with {@code policy} in one pass ({@link TokenLogProbs#score}; differentiable when called inside
   * a {@code GradientCollector}) and evaluates {@code loss}; every array lands in {@code manager}. Training steps use
   * {@link dev.align4j.policies.score.ChunkedLogProbs} with {@link #scoreOptions} instead, which keeps no
   * [tokens, vocab] array for the backward pass.
   */
  public PolicyLossOutput loss(LlamaModel policy, ClippedPolicyLoss loss, NDManager manager) {
    TokenScores scores = TokenLogProbs.score(policy, sequences, manager, scoreOptions(loss.config()));
    return loss.compute(lossInput(scores.logProbs().perToken(), scores.entropy()));
  }

  /** Rows {@code [from, to)} as a batch of their own (arrays are views in the same manager). */
  public PolicyGradientBatch rows(int from, int to) {
    String r = from + ":" + to;
    return new PolicyGradientBatch(sequences.rows(from, to), lossMask.get(r),
        oldLogProbs.map(a -> a.get(r)), refLogProbs.map(a -> a.get(r)), advantages.get(r), temperature);
  }

  /** The whole batch as bytes (exact values, for checkpoints); {@link #decode} reads it back. */
  public byte[] encode() {
    try (NDManager scratch = lossMask.getManager().newSubManager()) {
      NDList list = new NDList(
          ints(scratch, sequences.tokens()), ints(scratch, sequences.attentionMask()),
          ints(scratch, sequences.completionMask()), lossMask, advantages,
          scratch.create(new double[] {temperature}),
          scratch.create(new int[] {oldLogProbs.isPresent() ? 1 : 0, refLogProbs.isPresent() ? 1 : 0}));
      oldLogProbs.ifPresent(list::add);
      refLogProbs.ifPresent(list::add);
      return list.encode();
    }
  }

  /** Reads what {@link #encode} wrote; the arrays land in {@code manager}. */
  public static PolicyGradientBatch decode(byte[] bytes, NDManager manager) {
    NDList list = NDList.decode(manager, bytes);
    int[] flags = list.get(6).toIntArray();
    int next = 7;
    Optional<NDArray> old = flags[0] == 1 ? Optional.of(list.get(next++)) : Optional.empty();
    Optional<NDArray> ref = flags[1] == 1 ? Optional.of(list.get(next)) : Optional.empty();
    SequenceBatch seq = new SequenceBatch(rows(list.get(0)), rows(list.get(1)), rows(list.get(2)));
    return new PolicyGradientBatch(seq, list.get(3), old, ref, list.get(4), list.get(5).toDoubleArray()[0]);
  }

  private static NDArray ints(NDManager m, int[][] rows) {
    int t = rows[0].length;
    int[] flat = new int[rows.length * t];
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], 0, flat, b * t, t);
    }
    return m.create(flat, new Shape(rows.length, t));
  }

  private static int[][] rows(NDArray a) {
    int b = Math.toIntExact(a.getShape().get(0));
    int t = Math.toIntExact(a.getShape().get(1));
    int[] flat = a.toIntArray();
    int[][] out = new int[b][t];
    for (int i = 0; i < b; i++) {
      System.arraycopy(flat, i * t, out[i], 0, t);
    }
    return out;
  }
}
