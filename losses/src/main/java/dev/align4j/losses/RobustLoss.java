package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * Robust DPO: an unbiased estimate of the DPO loss under labels flipped with probability ε.
 *
 * <pre>
 *   z    = β · ((log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)))
 *   loss = (−(1 − ε) · log σ(z) + ε · log σ(−z)) / (1 − 2ε)
 * </pre>
 *
 * <p>Paper: Chowdhury et al., "Provably Robust DPO", arXiv:2403.00409. Matches TRL {@code DPOTrainer.dpo_loss}
 * with {@code loss_type="robust"}. Unbounded below as z grows (the ε term), as in the paper.
 */
public record RobustLoss(RobustConfig config) implements ReferenceBasedLoss {
  public RobustLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    NDArray z = Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), config.beta());
    double eps = config.labelSmoothing();
    // −(1−ε)·log σ(z) = (1−ε)·softplus(−z);  ε·log σ(−z) = −ε·softplus(z)
    return Scalars.div(Scalars.mul(StableMath.softplus(z.neg()), 1 - eps).sub(Scalars.mul(StableMath.softplus(z), eps)),
        1 - 2 * eps);
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
