package dev.align4j.experiments.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;

/**
 * Hyper-parameters of {@link AdamW} other than the learning rate (which the schedule supplies each step).
 * Defaults ({@link #DEFAULT}) are PyTorch's: betas (0.9, 0.999), eps 1e-8, and weight decay 0 as in
 * open-instruct and TRL.
 *
 * @param beta1 decay of the first-moment average, in [0, 1)
 * @param beta2 decay of the second-moment average, in [0, 1)
 * @param epsilon added to the denominator, &gt; 0
 * @param weightDecay decoupled weight decay λ (p ← p − lr·λ·p), ≥ 0
 */
public record AdamWConfig(
    @JsonProperty("beta1") double beta1,
    @JsonProperty("beta2") double beta2,
    @JsonProperty("epsilon") double epsilon,
    @JsonProperty("weight_decay") double weightDecay) {

  /** PyTorch's defaults with no weight decay. */
  public static final AdamWConfig DEFAULT = new AdamWConfig(0.9, 0.999, 1e-8, 0.0);

  public AdamWConfig {
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new InvalidConfigException("beta1", "must be in [0, 1), got " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new InvalidConfigException("beta2", "must be in [0, 1), got " + beta2);
    }
    if (!(epsilon > 0 && Double.isFinite(epsilon))) {
      throw new InvalidConfigException("epsilon", "must be > 0 and finite, got " + epsilon);
    }
    if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
      throw new InvalidConfigException("weight_decay", "must be >= 0 and finite, got " + weightDecay);
    }
  }

  /** The same settings with another weight decay. */
  public AdamWConfig withWeightDecay(double lambda) {
    return new AdamWConfig(beta1, beta2, epsilon, lambda);
  }
}
