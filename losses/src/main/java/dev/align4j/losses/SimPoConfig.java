package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link SimPoLoss} (JSON
 * {@code {"type": "simpo", "beta": B, "gamma": G, "label_smoothing": E, "sft_weight": W}}).
 *
 * @param beta inverse temperature on the mean per-token log-probs, &gt; 0 (the SimPO paper uses 2 to 10)
 * @param gamma the absolute target reward margin γ = β·gamma_beta_ratio (TRL's {@code simpo_gamma}), ≥ 0;
 *     default 0.5 (TRL's {@code CPOConfig.simpo_gamma})
 * @param labelSmoothing ε as in conservative DPO, 0 ≤ ε &lt; 0.5; default 0
 * @param sftWeight weight of the NLL term on the chosen completion (TRL's {@code cpo_alpha}), ≥ 0; default 0
 */
public record SimPoConfig(double beta, double gamma, double labelSmoothing, double sftWeight) implements LossConfig {

  /** TRL's default γ. */
  public static final double DEFAULT_GAMMA = 0.5;

  public SimPoConfig {
    Require.positive("beta", beta);
    Require.nonNegative("gamma", gamma);
    Require.inClosedOpen("label_smoothing", labelSmoothing, 0, 0.5, "");
    Require.nonNegative("sft_weight", sftWeight);
  }

  /** Plain SimPO: no label smoothing, no SFT term. */
  public SimPoConfig(double beta, double gamma) {
    this(beta, gamma, 0, 0);
  }

  /** JSON binding: an absent {@code gamma} (Jackson passes null for it) takes the default 0.5. */
  @JsonCreator
  static SimPoConfig fromJson(
      @JsonProperty(value = "beta", required = true) double beta,
      @JsonProperty("gamma") Double gamma,
      @JsonProperty("label_smoothing") double labelSmoothing,
      @JsonProperty("sft_weight") double sftWeight) {
    return new SimPoConfig(beta, gamma != null ? gamma : DEFAULT_GAMMA, labelSmoothing, sftWeight);
  }

  @JsonProperty(value = "label_smoothing", defaultValue = "0.0")
  @Override
  public double labelSmoothing() {
    return labelSmoothing;
  }

  @JsonProperty(value = "sft_weight", defaultValue = "0.0")
  @Override
  public double sftWeight() {
    return sftWeight;
  }

  /** γ, the target margin; absent in JSON: {@value #DEFAULT_GAMMA}. */
  @JsonProperty(value = "gamma", defaultValue = "0.5")
  @Override
  public double gamma() {
    return gamma;
  }

  @Override
  public SimPoLoss create() {
    return new SimPoLoss(this);
  }

  /** Registers {@code "simpo"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "simpo";
    }

    @Override
    public Class<SimPoConfig> configType() {
      return SimPoConfig.class;
    }
  }
}
