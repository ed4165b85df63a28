package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * Length-normalized DPO ({@code dpo_norm}): the sigmoid loss on mean per-token log-probs.
 *
 * <pre>
 *   z    = β · ((avg log π(y_w) − avg log π_ref(y_w)) − (avg log π(y_l) − avg log π_ref(y_l)))
 *   loss = −(1 − ε) · log σ(z) − ε · log σ(−z)        avg = (1/|y|) Σ_t log p(y_t | ·)
 * </pre>
 *
 * <p>Paper: Tulu 3, Lambert et al., arXiv:2411.15124 (its DPO recipe uses β = 5); DPO arXiv:2305.18290. Matches
 * open-instruct {@code dpo_tune_cache.py} with {@code dpo_loss_type="dpo_norm"} (average_log_prob=True, then
 * {@code dpo_utils.dpo_loss}).
 */
public record DpoNormLoss(DpoNormConfig config) implements ReferenceBasedLoss {
  public DpoNormLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    return StableMath.smoothedLogistic(Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), config.beta()),
        config.labelSmoothing());
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.MEAN;
  }
}
