package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link IpoLoss} (JSON {@code {"type": "ipo", "beta": B}}).
 *
 * @param beta IPO regularization τ; the target margin is 1/(2β), &gt; 0
 */
public record IpoConfig(@JsonProperty(value = "beta", required = true) double beta) implements LossConfig {

  public IpoConfig {
    Require.positive("beta", beta);
  }

  @Override
  public IpoLoss create() {
    return new IpoLoss(this);
  }

  /** Registers {@code "ipo"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "ipo";
    }

    @Override
    public Class<IpoConfig> configType() {
      return IpoConfig.class;
    }
  }
}
