package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link RobustLoss} (JSON {@code {"type": "robust", "beta": B, "label_smoothing": E}}).
 *
 * @param beta inverse temperature, &gt; 0
 * @param labelSmoothing ε, the assumed label-flip rate, 0 &lt; ε &lt; 0.5 (required: at ε = 0 robust DPO is
 *     plain DPO, and the 1/(1−2ε) factor diverges at 0.5)
 */
public record RobustConfig(
    @JsonProperty(value = "beta", required = true) double beta,
    @JsonProperty(value = "label_smoothing", required = true) double labelSmoothing) implements LossConfig {

  public RobustConfig {
    Require.positive("beta", beta);
    Require.inOpen("label_smoothing", labelSmoothing, 0, 0.5, "; robust DPO needs a label-flip rate > 0");
  }

  @Override
  public RobustLoss create() {
    return new RobustLoss(this);
  }

  /** Registers {@code "robust"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "robust";
    }

    @Override
    public Class<RobustConfig> configType() {
      return RobustConfig.class;
    }
  }
}
