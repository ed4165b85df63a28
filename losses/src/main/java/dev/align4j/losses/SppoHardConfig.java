package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link SppoHardLoss} (JSON {@code {"type": "sppo_hard", "beta": B}}).
 *
 * @param beta the target log-ratios are ±1/(2β), &gt; 0
 */
public record SppoHardConfig(@JsonProperty(value = "beta", required = true) double beta) implements LossConfig {

  public SppoHardConfig {
    Require.positive("beta", beta);
  }

  @Override
  public SppoHardLoss create() {
    return new SppoHardLoss(this);
  }

  /** Registers {@code "sppo_hard"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "sppo_hard";
    }

    @Override
    public Class<SppoHardConfig> configType() {
      return SppoHardConfig.class;
    }
  }
}
