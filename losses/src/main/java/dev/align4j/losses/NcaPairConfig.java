package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link NcaPairLoss} (JSON {@code {"type": "nca_pair", "beta": B}}).
 *
 * @param beta inverse temperature of the rewards β·h, &gt; 0
 */
public record NcaPairConfig(@JsonProperty(value = "beta", required = true) double beta) implements LossConfig {

  public NcaPairConfig {
    Require.positive("beta", beta);
  }

  @Override
  public NcaPairLoss create() {
    return new NcaPairLoss(this);
  }

  /** Registers {@code "nca_pair"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "nca_pair";
    }

    @Override
    public Class<NcaPairConfig> configType() {
      return NcaPairConfig.class;
    }
  }
}
