package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.losses.LogProbPair;
import dev.align4j.losses.LossOutput;
import dev.align4j.losses.PreferenceBatch;
import dev.align4j.losses.PreferenceLoss;
import dev.align4j.losses.ReferenceBasedLoss;
import dev.align4j.losses.SequenceLogProbs;
import dev.align4j.policies.cache.ReferenceBatches;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.policies.text.TokenizedChat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One micro-batch of a preference loss: chosen and rejected sequences go through the policy in one concatenated
 * forward pass (as TRL's {@code concatenated_forward}), their completion log-probs and the cached reference
 * log-probs form a {@link PreferenceBatch}, and the configured {@link PreferenceLoss} gives the loss and TRL's
 * metrics (rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected).
 * Log-probs come from {@link ChunkedLogProbs}: no [tokens, vocab] array is kept for the backward pass.
 */
public final class PreferenceLossStep implements MicroBatchLoss<int[]> {
  private final PolicyModel policy;
  private final List<EncodedPair> pairs;
  private final Optional<ReferenceScores> reference;
  private final PreferenceLoss loss;

  /** @param reference required by reference-based losses, ignored by reference-free ones (SimPO) */
  public PreferenceLossStep(PolicyModel policy, List<EncodedPair> pairs, Optional<ReferenceScores> reference,
      PreferenceLoss loss) {
    if (loss instanceof ReferenceBasedLoss && reference.isEmpty()) {
      throw new IllegalArgumentException("loss " + loss.config() + " needs reference log-probs");
    }
    this.policy = policy;
    this.pairs = pairs;
    this.reference = reference;
    this.loss = loss;
  }

  /** Micro-batches weigh their pairs: the update's loss is the mean over its pairs. */
  @Override
  public double weight(int[] indices) {
    return indices.length;
  }

  @Override
  public MicroBatchResult compute(NDManager scope, int[] indices) {
    int n = indices.length;
    List<TokenizedChat> sequences = new ArrayList<>();
    for (int i : indices) {
      sequences.add(pairs.get(i).chosen());
    }
    for (int i : indices) {
      sequences.add(pairs.get(i).rejected());
    }
    ChunkedLogProbs forward = ChunkedLogProbs.forward(policy.model(), Encoding.batch(sequences, policy.padId()),
        scope);
    BatchLogProbs lp = forward.logProbs();
    LogProbPair policyPair = new LogProbPair(
        new SequenceLogProbs(lp.sums().get("0:{}", n), lp.counts().get("0:{}", n)),
        new SequenceLogProbs(lp.sums().get("{}:", n), lp.counts().get("{}:", n)));
    PreferenceBatch batch = reference
        .filter(r -> loss instanceof ReferenceBasedLoss)
        .map(r -> PreferenceBatch.of(policyPair, new LogProbPair(
            sequenceLogProbs(scope, r.chosen(), indices), sequenceLogProbs(scope, r.rejected(), indices))))
        .orElseGet(() -> PreferenceBatch.referenceFree(policyPair));
    LossOutput out = loss.compute(batch);
    return new MicroBatchResult(out.mean(), n, out.metrics(), List.of(forward));
  }

  private static SequenceLogProbs sequenceLogProbs(NDManager scope, List<ReferenceLogProbs> all, int[] indices) {
    List<ReferenceLogProbs> picked = new ArrayList<>(indices.length);
    for (int i : indices) {
      picked.add(all.get(i));
    }
    return ReferenceBatches.toSequenceLogProbs(picked, scope);
  }
}
