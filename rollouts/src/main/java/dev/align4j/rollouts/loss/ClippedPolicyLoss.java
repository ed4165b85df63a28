package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.core.Scalars;
import java.util.Objects;

/**
 * Clipped importance-ratio surrogate with asymmetric clipping and an optional KL penalty: PPO (arXiv 1707.06347)
 * as used by GRPO (arXiv 2402.03300), DAPO clip-higher (arXiv 2503.14476) and Dr. GRPO (arXiv 2503.20783).
 * Per completion token t,
 *
 * <pre>
 *   r_t    = exp(logp_t - logp_old_t)                    (log-ratio clamped to [-20, 20], as verl does)
 *   l_t    = -min(r_t * A_t, clip(r_t, 1 - ε_low, 1 + ε_high) * A_t) + β * KL_t
 *   loss   = aggregate(l, mask)                          (token mean, sequence mean, or sum / (B * L))
 * </pre>
 *
 * where KL_t is the k1 or k3 estimate of KL(π_θ || π_ref). Because of the min, the gradient vanishes for A > 0
 * once r > 1 + ε_high and for A < 0 once r < 1 - ε_low. Matches verl's {@code compute_policy_loss} (without
 * dual clip) and {@code kl_penalty}, and open-instruct's {@code grpo_fast.py} loss with {@code kl_estimator} k1/k3;
 * the KL term is aggregated the same way as the surrogate, as in open-instruct.
 */
public final class ClippedPolicyLoss {
  private final PolicyLossConfig config;

  public ClippedPolicyLoss(PolicyLossConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public PolicyLossConfig config() {
    return config;
  }

  /** Evaluates the loss; call it inside a {@code GradientCollector} to train. */
  public PolicyLossOutput compute(PolicyLossInput in) {
    if (config.needsReference() && in.refLogProbs().isEmpty()) {
      throw new IllegalArgumentException(
          "refLogProbs must be present when kl_beta > 0 (kl_beta = " + config.klBeta() + ")");
    }
    NDArray mask = in.mask().toType(in.logProbs().getDataType(), false);
    NDArray adv = in.tokenAdvantages();
    NDArray logRatio = in.logProbs().sub(in.oldLogProbs()).clip(-20f, 20f);
    NDArray ratio = logRatio.exp();
    NDArray clipped = ratio.clip(like(ratio, 1 - config.clipLow()), like(ratio, 1 + config.clipHigh()));
    NDArray surrogate = ratio.mul(adv).minimum(clipped.mul(adv)).neg();
    NDArray policyLoss = config.aggregation().aggregate(surrogate, mask);

    NDArray loss = policyLoss;
    double klMean = 0;
    if (config.needsReference()) {
      NDArray kl = config.klEstimator().perToken(in.logProbs(), in.refLogProbs().orElseThrow());
      loss = policyLoss.add(Scalars.mul(config.aggregation().aggregate(kl, mask), like(policyLoss, config.klBeta())));
      klMean = tokenMean(kl, mask);
    }
    double low = tokenMean(adv.lt(0).logicalAnd(ratio.lt(like(ratio, 1 - config.clipLow()))), mask);
    double high = tokenMean(adv.gt(0).logicalAnd(ratio.gt(like(ratio, 1 + config.clipHigh()))), mask);
    PolicyLossMetrics metrics =
        new PolicyLossMetrics(
            scalar(policyLoss),
            klMean,
            tokenMean(ratio, mask),
            low,
            high,
            tokenMean(logRatio.neg(), mask));
    return new PolicyLossOutput(loss, metrics);
  }

  /** A scalar in the array's precision: a double constant would promote float32 math to float64. */
  static Number like(NDArray array, double value) {
    return array.getDataType() == DataType.FLOAT64 ? (Number) value : (Number) (float) value;
  }

  private static double scalar(NDArray x) {
    return x.stopGradient().toType(DataType.FLOAT64, false).getDouble();
  }

  private static double tokenMean(NDArray values, NDArray mask) {
    NDArray v = values.stopGradient().toType(mask.getDataType(), false);
    return scalar(new LossAggregation.TokenMean().aggregate(v, mask));
  }
}
