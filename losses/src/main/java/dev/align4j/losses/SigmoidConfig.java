package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link SigmoidLoss} (JSON {@code {"type": "sigmoid", "beta": B, "label_smoothing": E}}).
 *
 * @param beta inverse temperature, &gt; 0 (TRL's default 0.1; the Tulu 3 dpo_norm recipe uses 5)
 * @param labelSmoothing ε, the assumed probability that a preference label is flipped (conservative DPO),
 *     0 ≤ ε &lt; 0.5; default 0
 */
public record SigmoidConfig(
    @JsonProperty(value = "beta", required = true) double beta,
    @JsonProperty(value = "label_smoothing", defaultValue = "0.0") double labelSmoothing) implements LossConfig {

  public SigmoidConfig {
    Require.positive("beta", beta);
    Require.inClosedOpen("label_smoothing", labelSmoothing, 0, 0.5, "");
  }

  /** No label smoothing. */
  public SigmoidConfig(double beta) {
    this(beta, 0);
  }

  @Override
  public SigmoidLoss create() {
    return new SigmoidLoss(this);
  }

  /** Registers {@code "sigmoid"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "sigmoid";
    }

    @Override
    public Class<SigmoidConfig> configType() {
      return SigmoidConfig.class;
    }
  }
}
