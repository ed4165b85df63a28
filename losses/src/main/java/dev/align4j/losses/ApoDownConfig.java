package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link ApoDownLoss} (JSON {@code {"type": "apo_down", "beta": B}}).
 *
 * @param beta inverse temperature of the log-ratios, &gt; 0
 */
public record ApoDownConfig(@JsonProperty(value = "beta", required = true) double beta) implements LossConfig {

  public ApoDownConfig {
    Require.positive("beta", beta);
  }

  @Override
  public ApoDownLoss create() {
    return new ApoDownLoss(this);
  }

  /** Registers {@code "apo_down"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "apo_down";
    }

    @Override
    public Class<ApoDownConfig> configType() {
      return ApoDownConfig.class;
    }
  }
}
