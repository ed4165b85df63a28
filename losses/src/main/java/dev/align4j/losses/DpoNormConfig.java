package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link DpoNormLoss} (JSON {@code {"type": "dpo_norm", "beta": B, "label_smoothing": E}}).
 *
 * @param beta inverse temperature, &gt; 0 (TRL's default 0.1; the Tulu 3 dpo_norm recipe uses 5)
 * @param labelSmoothing ε, the assumed probability that a preference label is flipped (conservative DPO),
 *     0 ≤ ε &lt; 0.5; default 0
 */
public record DpoNormConfig(
    @JsonProperty(value = "beta", required = true) double beta,
    @JsonProperty(value = "label_smoothing", defaultValue = "0.0") double labelSmoothing) implements LossConfig {

  public DpoNormConfig {
    Require.positive("beta", beta);
    Require.inClosedOpen("label_smoothing", labelSmoothing, 0, 0.5, "");
  }

  /** No label smoothing. */
  public DpoNormConfig(double beta) {
    this(beta, 0);
  }

  @Override
  public DpoNormLoss create() {
    return new DpoNormLoss(this);
  }

  /** Registers {@code "dpo_norm"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "dpo_norm";
    }

    @Override
    public Class<DpoNormConfig> configType() {
      return DpoNormConfig.class;
    }
  }
}
