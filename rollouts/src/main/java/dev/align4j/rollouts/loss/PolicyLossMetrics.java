package dev.align4j.rollouts.loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Diagnostics of one {@link ClippedPolicyLoss} evaluation (no gradient). Except {@code policyLoss}, every value is a
 * token mean over the loss mask, so micro-batches combine into the update's token mean when weighted by
 * {@code tokens}.
 *
 * @param policyLoss the clipped surrogate term alone, aggregated like the loss
 * @param klMean mean per-token KL estimate of π_θ to the reference (TRL {@code kl}); NaN without reference
 * @param entropyMean mean per-token entropy of π_θ (TRL {@code entropy}); NaN when not computed
 * @param ratioMean mean importance ratio π_θ / π_old
 * @param clipLow fraction of tokens with A &lt; 0 and ratio &lt; 1 - ε_low (TRL {@code clip_ratio/low_mean})
 * @param clipHigh fraction of tokens with A &gt; 0 and ratio &gt; 1 + ε_high (TRL {@code clip_ratio/high_mean})
 * @param clipRegion fraction of tokens in either ({@code clip_ratio/region_mean})
 * @param pgClipfrac fraction of tokens where the clipped term is the larger loss (verl {@code actor/pg_clipfrac})
 * @param pgClipfracLower fraction of tokens with A &lt; 0 capped by dual clip (verl {@code actor/pg_clipfrac_lower};
 *     0 when dual clip is off)
 * @param ppoKl mean of {@code log π_old - log π_θ}: how far the policy moved since sampling (verl {@code actor/ppo_kl})
 * @param tokens number of loss tokens the means are over
 */
public record PolicyLossMetrics(
    double policyLoss,
    double klMean,
    double entropyMean,
    double ratioMean,
    double clipLow,
    double clipHigh,
    double clipRegion,
    double pgClipfrac,
    double pgClipfracLower,
    double ppoKl,
    double tokens) {

  /**
   * The token means under TRL's names ({@code kl}, {@code entropy}, {@code clip_ratio/low_mean},
   * {@code clip_ratio/high_mean}, {@code clip_ratio/region_mean}) and verl's ({@code pg_clipfrac},
   * {@code pg_clipfrac_lower}, {@code ppo_kl}), plus {@code ratio} and {@code policy_loss}; {@code kl} and
   * {@code entropy} only when measured.
   */
  public Map<String, Double> named() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("policy_loss", policyLoss);
    if (!Double.isNaN(klMean)) {
      m.put("kl", klMean);
    }
    if (!Double.isNaN(entropyMean)) {
      m.put("entropy", entropyMean);
    }
    m.put("ratio", ratioMean);
    m.put("clip_ratio/low_mean", clipLow);
    m.put("clip_ratio/high_mean", clipHigh);
    m.put("clip_ratio/region_mean", clipRegion);
    m.put("pg_clipfrac", pgClipfrac);
    m.put("pg_clipfrac_lower", pgClipfracLower);
    m.put("ppo_kl", ppoKl);
    return m;
  }
}
