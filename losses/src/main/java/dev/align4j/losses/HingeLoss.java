package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Objects;

/**
 * The hinge loss of SLiC on the DPO margin.
 *
 * <pre>
 *   z    = β · ((log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)))
 *   loss = max(0, 1 − z)
 * </pre>
 *
 * <p>Paper: Zhao et al., SLiC-HF, arXiv:2305.10425. Matches TRL {@code DPOTrainer.dpo_loss} with
 * {@code loss_type="hinge"}.
 */
public record HingeLoss(HingeConfig config) implements ReferenceBasedLoss {
  public HingeLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    NDArray z = Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), config.beta());
    return Activation.relu(z.neg().add(1));
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
