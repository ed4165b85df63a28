package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.rollouts.PolicyGradientBatch;
import dev.align4j.rollouts.loss.ClippedPolicyLoss;
import dev.align4j.rollouts.loss.PolicyLossOutput;
import java.util.List;

/**
 * One micro-batch of a policy-gradient update: re-scores the rollout's sequences with the current policy (with
 * gradient, at the batch's scoring temperature) and evaluates the clipped surrogate with its KL and entropy terms.
 * The micro-batch's weight comes from the loss type (1 for {@code grpo}, {@code bnpo}, {@code dr_grpo}; its loss
 * tokens for {@code dapo}, so the update is a token mean over all its micro-batches). Logs TRL's
 * {@code clip_ratio/low_mean}, {@code clip_ratio/high_mean}, {@code clip_ratio/region_mean}, {@code kl},
 * {@code entropy} and verl's {@code pg_clipfrac}, {@code pg_clipfrac_lower}, {@code ppo_kl}, plus {@code ratio}
 * and {@code policy_loss}, as token means over the update's loss tokens. Log-probs (and the entropy) come from
 * {@link ChunkedLogProbs}: no [tokens, vocab] array is kept for the backward pass.
 */
public final class PolicyGradientStep implements MicroBatchLoss<PolicyGradientBatch> {
  private final LlamaModel policy;
  private final ClippedPolicyLoss loss;

  public PolicyGradientStep(LlamaModel policy, ClippedPolicyLoss loss) {
    this.policy = policy;
    this.loss = loss;
  }

  @Override
  public double weight(PolicyGradientBatch batch) {
    return batch.weight(loss.config().lossType());
  }

  @Override
  public MicroBatchResult compute(NDManager scope, PolicyGradientBatch batch) {
    ChunkedLogProbs forward =
        ChunkedLogProbs.forward(policy, batch.sequences(), scope, batch.scoreOptions(loss.config()));
    PolicyLossOutput out = loss.compute(batch.lossInput(forward.logProbs().perToken(), forward.entropy()));
    return new MicroBatchResult(out.loss(), out.metrics().tokens(), out.metrics().named(), List.of(forward));
  }
}
