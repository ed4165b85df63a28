package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * APO-zero: anchored preference optimization that raises the chosen and lowers the rejected likelihood (for when
 * the chosen outputs are better than the model's own).
 *
 * <pre>
 *   h_w  = log π(y_w) − log π_ref(y_w),   h_l = log π(y_l) − log π_ref(y_l)
 *   loss = (1 − σ(β·h_w)) + σ(β·h_l)
 * </pre>
 *
 * <p>Paper: D'Oosterlinck et al., "Anchored Preference Optimization", arXiv:2408.06266, eq. (7). Matches TRL
 * {@code DPOTrainer.dpo_loss} with {@code loss_type="apo_zero"}.
 */
public record ApoZeroLoss(ApoZeroConfig config) implements ReferenceBasedLoss {
  public ApoZeroLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    // 1 − σ(x) = σ(−x), without the cancellation
    return StableMath.sigmoid(Scalars.mul(chosenLogRatio, -config.beta()))
        .add(StableMath.sigmoid(Scalars.mul(rejectedLogRatio, config.beta())));
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
