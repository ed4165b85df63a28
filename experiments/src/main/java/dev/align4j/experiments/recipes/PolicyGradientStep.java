package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.rollouts.PolicyGradientBatch;
import dev.align4j.rollouts.loss.ClippedPolicyLoss;
import dev.align4j.rollouts.loss.PolicyLossMetrics;
import dev.align4j.rollouts.loss.PolicyLossOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One micro-batch of a policy-gradient update: re-scores the rollout's sequences with the current policy (with
 * gradient) and evaluates the clipped surrogate with KL penalty. Logs {@code kl} (mean per-token KL estimate to
 * the reference), {@code clip_fraction} (tokens whose gradient the clip removed), {@code ratio} and
 * {@code policy_loss}. Micro-batches are weighted by their number of sequences. Log-probs come from
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
  public MicroBatchResult compute(NDManager scope, PolicyGradientBatch batch) {
    ChunkedLogProbs forward = ChunkedLogProbs.forward(policy, batch.sequences(), scope);
    PolicyLossOutput out = loss.compute(batch.lossInput(forward.logProbs().perToken()));
    PolicyLossMetrics m = out.metrics();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("kl", m.klMean());
    metrics.put("clip_fraction", m.clipFracLow() + m.clipFracHigh());
    metrics.put("ratio", m.ratioMean());
    metrics.put("policy_loss", m.policyLoss());
    return new MicroBatchResult(out.loss(), batch.sequences().batchSize(), metrics, List.of(forward));
  }
}
