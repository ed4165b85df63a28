package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link DiscoPopLoss} (JSON {@code {"type": "discopop", "beta": B, "discopop_tau": T}}).
 *
 * @param beta inverse temperature, &gt; 0 (the DiscoPOP paper uses 0.05)
 * @param discopopTau τ, the temperature of the sigmoid that blends the logistic and exponential parts,
 *     0 &lt; τ ≤ 1; default 0.05 (TRL's {@code DPOConfig.discopop_tau}). For τ &gt; 1 the exponential part grows
 *     like e^{|z|(1−1/τ)} as the margin z goes to −∞, so the loss itself would overflow.
 */
public record DiscoPopConfig(double beta, double discopopTau) implements LossConfig {

  /** TRL's default τ. */
  public static final double DEFAULT_TAU = 0.05;

  public DiscoPopConfig {
    Require.positive("beta", beta);
    Require.inOpenClosed("discopop_tau", discopopTau, 0, 1, "; above 1 the loss is unbounded for negative margins");
  }

  /** With the default τ = 0.05. */
  public DiscoPopConfig(double beta) {
    this(beta, DEFAULT_TAU);
  }

  /** JSON binding: an absent {@code discopop_tau} (Jackson passes null for it) takes the default. */
  @JsonCreator
  static DiscoPopConfig fromJson(
      @JsonProperty(value = "beta", required = true) double beta,
      @JsonProperty("discopop_tau") Double discopopTau) {
    return new DiscoPopConfig(beta, discopopTau != null ? discopopTau : DEFAULT_TAU);
  }

  @JsonProperty(value = "discopop_tau", defaultValue = "0.05")
  @Override
  public double discopopTau() {
    return discopopTau;
  }

  @Override
  public DiscoPopLoss create() {
    return new DiscoPopLoss(this);
  }

  /** Registers {@code "discopop"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "discopop";
    }

    @Override
    public Class<DiscoPopConfig> configType() {
      return DiscoPopConfig.class;
    }
  }
}
