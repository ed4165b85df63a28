package dev.align4j.rollouts.loss;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.Require;
import java.util.Objects;

/**
 * Settings of {@link ClippedPolicyLoss}. JSON example (DAPO):
 *
 * <pre>
 *   {"loss_type": {"type": "dapo"}, "clip_low": 0.2, "clip_high": 0.28, "clip_ratio_c": 0.0,
 *    "kl_beta": 0.0, "kl_estimator": "k3", "kl_placement": "loss", "entropy_coef": 0.0}
 * </pre>
 *
 * @param lossType how per-token losses become the update's loss ({@code grpo}, {@code bnpo}, {@code dr_grpo},
 *     {@code dapo} or a plug-in), see {@link LossAggregation}
 * @param clipLow ε_low: the ratio is clipped below at {@code 1 - clipLow}, in [0, 1) (TRL {@code epsilon}, verl
 *     {@code clip_ratio_low})
 * @param clipHigh ε_high: the ratio is clipped above at {@code 1 + clipHigh}, {@code >= 0} (DAPO clip-higher uses 0.28
 *     with ε_low 0.2; TRL {@code epsilon_high}, verl {@code clip_ratio_high})
 * @param clipRatioC c of dual-clip PPO (arXiv 1912.09729; verl {@code clip_ratio_c}, TRL {@code delta}): for A &lt; 0
 *     the per-token loss is capped at {@code -c·A}; {@code 0} turns it off, otherwise {@code c > 1} (verl's default 3)
 * @param klBeta β, weight of the KL-to-reference penalty, {@code >= 0}; 0 means no reference is needed
 * @param klEstimator which per-token KL estimator the penalty uses ({@code k1}, {@code k2}, {@code k3}, {@code abs})
 * @param klPlacement whether the penalty is a loss term or a reward penalty at sampling time
 * @param entropyCoef weight of the entropy bonus, {@code >= 0}: {@code l_t -= entropyCoef · H_t}, aggregated like the
 *     loss (TRL {@code entropy_coef}, verl {@code entropy_coeff})
 */
public record PolicyLossConfig(
    @JsonProperty("loss_type") LossAggregation lossType,
    @JsonProperty("clip_low") double clipLow,
    @JsonProperty("clip_high") double clipHigh,
    @JsonProperty("clip_ratio_c") double clipRatioC,
    @JsonProperty("kl_beta") double klBeta,
    @JsonProperty("kl_estimator") KlEstimator klEstimator,
    @JsonProperty("kl_placement") KlPlacement klPlacement,
    @JsonProperty("entropy_coef") double entropyCoef) {

  public PolicyLossConfig {
    if (lossType == null) {
      throw new InvalidConfigException("loss_type", "must be given, e.g. {\"type\": \"grpo\"} (known: "
          + String.join(", ", LossAggregationType.REGISTRY.names()) + ")");
    }
    Require.inClosedOpen("clip_low", clipLow, 0, 1, "");
    Require.nonNegative("clip_high", clipHigh);
    if (!(clipRatioC == 0 || (clipRatioC > 1 && Double.isFinite(clipRatioC)))) {
      throw new InvalidConfigException("clip_ratio_c", "must be 0 (no dual clip) or finite and > 1 (got "
          + clipRatioC + ")");
    }
    Require.nonNegative("kl_beta", klBeta);
    Objects.requireNonNull(klEstimator, "kl_estimator must be given (k1, k2, k3 or abs)");
    Objects.requireNonNull(klPlacement, "kl_placement must be given (loss or reward)");
    Require.nonNegative("entropy_coef", entropyCoef);
  }

  /** GRPO as in DeepSeekMath: symmetric ε 0.2, {@code grpo} loss type, β 0.04 with k3 in the loss. */
  public static PolicyLossConfig grpo() {
    return new PolicyLossConfig(new SequenceMeanLoss(), 0.2, 0.2, 0, 0.04, KlEstimator.K3, KlPlacement.LOSS, 0);
  }

  /** DAPO: clip-higher (0.2 / 0.28), token-level loss over the whole update, no KL term. */
  public static PolicyLossConfig dapo() {
    return new PolicyLossConfig(new GlobalTokenMeanLoss(), 0.2, 0.28, 0, 0.0, KlEstimator.K3, KlPlacement.LOSS, 0);
  }

  /** Dr. GRPO: symmetric ε 0.2, token sum over a constant {@code maxLength}, no KL term. */
  public static PolicyLossConfig drGrpo(int maxLength) {
    return new PolicyLossConfig(
        new ConstantLengthLoss(maxLength), 0.2, 0.2, 0, 0.0, KlEstimator.K3, KlPlacement.LOSS, 0);
  }

  /** True when the loss or the reward has a KL term and therefore needs reference log-probs. */
  public boolean needsReference() {
    return klBeta > 0;
  }

  /** True when the KL penalty is a term of the loss. */
  public boolean klInLoss() {
    return klBeta > 0 && klPlacement == KlPlacement.LOSS;
  }

  /** True when the KL penalty is subtracted from the rewards at sampling time. */
  public boolean klInReward() {
    return klBeta > 0 && klPlacement == KlPlacement.REWARD;
  }

  /** True when dual clip is on. */
  public boolean dualClip() {
    return clipRatioC > 0;
  }
}
