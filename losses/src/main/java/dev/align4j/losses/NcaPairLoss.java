package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * NCA (pairwise): noise-contrastive alignment on the absolute rewards r = β·h rather than their difference.
 *
 * <pre>
 *   r_w  = β · (log π(y_w) − log π_ref(y_w)),   r_l = β · (log π(y_l) − log π_ref(y_l))
 *   loss = −log σ(r_w) − ½ · log σ(−r_w) − ½ · log σ(−r_l)
 * </pre>
 *
 * <p>Paper: Chen et al., "Noise Contrastive Alignment of Language Models with Explicit Rewards",
 * arXiv:2402.05369. Matches TRL {@code DPOTrainer.dpo_loss} with {@code loss_type="nca_pair"}.
 */
public record NcaPairLoss(NcaPairConfig config) implements ReferenceBasedLoss {
  public NcaPairLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    NDArray rw = Scalars.mul(chosenLogRatio, config.beta());
    NDArray rl = Scalars.mul(rejectedLogRatio, config.beta());
    // −log σ(x) = softplus(−x);  −log σ(−x) = softplus(x)
    return StableMath.softplus(rw.neg())
        .add(Scalars.mul(StableMath.softplus(rw), 0.5))
        .add(Scalars.mul(StableMath.softplus(rl), 0.5));
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
