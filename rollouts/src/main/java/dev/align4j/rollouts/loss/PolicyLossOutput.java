package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * Result of a policy-gradient loss.
 *
 * @param loss the scalar to minimize (this micro-batch's {@code L_i}), differentiable in the policy log-probs
 * @param perTokenLoss {@code [B, T]}: the clipped surrogate plus {@code β·KL} when the KL is in the loss, before
 *     aggregation and without the entropy bonus; 0 where masked
 * @param ratio {@code [B, T]}: π_θ / π_old per token, detached
 * @param metrics detached diagnostics
 */
public record PolicyLossOutput(
    NDArray loss, NDArray perTokenLoss, NDArray ratio, PolicyLossMetrics metrics) {
  public PolicyLossOutput {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(perTokenLoss, "perTokenLoss");
    Objects.requireNonNull(ratio, "ratio");
    Objects.requireNonNull(metrics, "metrics");
  }
}
