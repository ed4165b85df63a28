package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link HingeLoss} (JSON {@code {"type": "hinge", "beta": B}}).
 *
 * @param beta inverse margin scale; the hinge is at margin 1/β, &gt; 0
 */
public record HingeConfig(@JsonProperty(value = "beta", required = true) double beta) implements LossConfig {

  public HingeConfig {
    Require.positive("beta", beta);
  }

  @Override
  public HingeLoss create() {
    return new HingeLoss(this);
  }

  /** Registers {@code "hinge"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "hinge";
    }

    @Override
    public Class<HingeConfig> configType() {
      return HingeConfig.class;
    }
  }
}
