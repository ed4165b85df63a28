package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link ApoZeroLoss} (JSON {@code {"type": "apo_zero", "beta": B}}).
 *
 * @param beta inverse temperature of the log-ratios, &gt; 0
 */
public record ApoZeroConfig(@JsonProperty(value = "beta", required = true) double beta) implements LossConfig {

  public ApoZeroConfig {
    Require.positive("beta", beta);
  }

  @Override
  public ApoZeroLoss create() {
    return new ApoZeroLoss(this);
  }

  /** Registers {@code "apo_zero"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "apo_zero";
    }

    @Override
    public Class<ApoZeroConfig> configType() {
      return ApoZeroConfig.class;
    }
  }
}
