package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * APO-down: lowers the chosen likelihood and the rejected one more (for when the chosen outputs are worse than
 * the model's own).
 *
 * <pre>
 *   h_w  = log π(y_w) − log π_ref(y_w),   h_l = log π(y_l) − log π_ref(y_l)
 *   loss = σ(β·h_w) + (1 − σ(β·(h_w − h_l)))
 * </pre>
 *
 * <p>Paper: D'Oosterlinck et al., "Anchored Preference Optimization", arXiv:2408.06266, eq. (8). Matches TRL
 * {@code DPOTrainer.dpo_loss} with {@code loss_type="apo_down"}.
 */
public record ApoDownLoss(ApoDownConfig config) implements ReferenceBasedLoss {
  public ApoDownLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    // 1 − σ(x) = σ(−x), without the cancellation
    return StableMath.sigmoid(Scalars.mul(chosenLogRatio, config.beta()))
        .add(StableMath.sigmoid(Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), -config.beta())));
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
