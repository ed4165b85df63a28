package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * DiscoPOP (log-ratio modulated loss): a blend of the logistic and exponential losses, weighted by a sigmoid of
 * the margin.
 *
 * <pre>
 *   z    = β · ((log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)))
 *   w    = σ(z / τ)
 *   loss = (1 − w) · (−log σ(z)) + w · e^{−z}
 * </pre>
 *
 * <p>Paper: Chris Lu et al., "Discovering Preference Optimization Algorithms with and for Large Language Models",
 * arXiv:2406.08414, eq. (5). Matches TRL {@code DPOTrainer.dpo_loss} with {@code loss_type="discopop"}. Computed
 * as σ(−z/τ)·softplus(−z) + exp(log σ(z/τ) − z), equal to the formula but never forming 0·∞ for very negative z.
 * Not monotone in the margin near 0 (a property of the loss, not of this code).
 */
public record DiscoPopLoss(DiscoPopConfig config) implements ReferenceBasedLoss {
  public DiscoPopLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    NDArray z = Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), config.beta());
    NDArray zOverTau = Scalars.div(z, config.discopopTau());
    NDArray logistic = StableMath.sigmoid(zOverTau.neg()).mul(StableMath.softplus(z.neg()));
    NDArray exponential = StableMath.logSigmoid(zOverTau).sub(z).exp();
    return logistic.add(exponential);
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
