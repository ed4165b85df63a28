package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.text.TokenizedChat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning loss: the negative log-likelihood of the completion (assistant) tokens, averaged over
 * tokens, {@code L = −Σ_b Σ_t m_bt · log π(y_bt | y_b,<t) / Σ_b Σ_t m_bt}. Micro-batches weigh their
 * token counts, so accumulation gives the token mean over the whole effective batch (open-instruct's
 * {@code sum} reduction divided by the batch's completion tokens). Log-probs come from {@link ChunkedLogProbs}, so no
 * [tokens, vocab] array is kept for the backward pass.
 */
public final class SftLoss implements MicroBatchLoss<int[]> {
  private final PolicyModel policy;
  private final List<TokenizedChat> data;

  public SftLoss(PolicyModel policy, List<TokenizedChat> data) {
    this.policy = policy;
    this.data = data;
  }

  /** The micro-batch's scored tokens (never position 0, as {@link Encoding#batch} scores them). */
  @Override
  public double weight(int[] indices) {
    long n = 0;
    for (int i : indices) {
      boolean[] mask = data.get(i).lossMask();
      for (int t = 1; t < mask.length; t++) {
        n += mask[t] ? 1 : 0;
      }
    }
    return n;
  }

  @Override
  public MicroBatchResult compute(NDManager scope, int[] indices) {
    List<TokenizedChat> chats = new ArrayList<>();
    for (int i : indices) {
      chats.add(data.get(i));
    }
    SequenceBatch batch = Encoding.batch(chats, policy.padId());
    ChunkedLogProbs forward = ChunkedLogProbs.forward(policy.model(), batch, scope);
    BatchLogProbs lp = forward.logProbs();
    NDArray tokens = lp.counts().sum();
    NDArray nll = lp.sums().sum().neg().div(tokens.maximum(1f));
    return new MicroBatchResult(nll, tokens.getFloat(), Map.of(), List.of(forward));
  }
}
