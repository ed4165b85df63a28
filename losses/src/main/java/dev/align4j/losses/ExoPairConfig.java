package dev.align4j.losses;

import dev.align4j.core.Require;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Parameters of {@link ExoPairLoss} (JSON {@code {"type": "exo_pair", "beta": B, "label_smoothing": E}}).
 *
 * @param beta inverse temperature, &gt; 0
 * @param labelSmoothing ε of the smoothed target distribution (1−ε, ε), 0 &lt; ε &lt; 0.5; default 1e-3, the value
 *     TRL substitutes when it is given 0 (here 0 is an error instead, since log ε would be −∞)
 */
public record ExoPairConfig(double beta, double labelSmoothing) implements LossConfig {

  /** TRL's substitute for ε = 0 in exo_pair. */
  public static final double DEFAULT_LABEL_SMOOTHING = 1e-3;

  public ExoPairConfig {
    Require.positive("beta", beta);
    Require.inOpen("label_smoothing", labelSmoothing, 0, 0.5, "; omit it for the default 1e-3");
  }

  /** With the default ε = 1e-3. */
  public ExoPairConfig(double beta) {
    this(beta, DEFAULT_LABEL_SMOOTHING);
  }

  /** JSON binding: an absent {@code label_smoothing} (Jackson passes null for it) takes the default. */
  @JsonCreator
  static ExoPairConfig fromJson(
      @JsonProperty(value = "beta", required = true) double beta,
      @JsonProperty("label_smoothing") Double labelSmoothing) {
    return new ExoPairConfig(beta, labelSmoothing != null ? labelSmoothing : DEFAULT_LABEL_SMOOTHING);
  }

  @JsonProperty(value = "label_smoothing", defaultValue = "0.001")
  @Override
  public double labelSmoothing() {
    return labelSmoothing;
  }

  @Override
  public ExoPairLoss create() {
    return new ExoPairLoss(this);
  }

  /** Registers {@code "exo_pair"}. */
  public static final class Type implements LossType {
    @Override
    public String name() {
      return "exo_pair";
    }

    @Override
    public Class<ExoPairConfig> configType() {
      return ExoPairConfig.class;
    }
  }
}
