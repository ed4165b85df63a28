package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * DPO, the sigmoid loss, with optional label smoothing (conservative DPO).
 *
 * <pre>
 *   z    = β · ((log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)))   (summed token log-probs)
 *   loss = −(1 − ε) · log σ(z) − ε · log σ(−z)
 * </pre>
 *
 * <p>Paper: Rafailov et al., arXiv:2305.18290 (label smoothing: Mitchell, "A note on DPO with noisy
 * preferences", 2023). Matches TRL {@code DPOTrainer.dpo_loss} with {@code loss_type="sigmoid"} and
 * open-instruct {@code dpo_utils.dpo_loss}.
 */
public record SigmoidLoss(SigmoidConfig config) implements ReferenceBasedLoss {
  public SigmoidLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    return StableMath.smoothedLogistic(Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), config.beta()),
        config.labelSmoothing());
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
