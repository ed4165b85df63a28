package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.align4j.core.Scalars;
import java.util.Objects;

/**
 * Clipped importance-ratio surrogate with asymmetric clipping, optional dual clip, KL penalty and entropy bonus: PPO
 * (arXiv 1707.06347) as used by GRPO (arXiv 2402.03300), DAPO clip-higher (arXiv 2503.14476) and Dr. GRPO (arXiv
 * 2503.20783). Per loss token t, with A_t the advantage,
 *
 * <pre>
 *   r_t    = exp(clamp(logp_t - logp_old_t, -20, 20))
 *   pg_t   = max(-A_t · r_t, -A_t · clip(r_t, 1 - ε_low, 1 + ε_high))
 *   pg_t   = min(pg_t, -A_t · c)          if A_t &lt; 0 and dual clip c is on (verl clip_ratio_c)
 *   l_t    = pg_t + β · KL_t(π_θ, π_ref)  (KL in the loss; k1 / k2 / k3 / abs)
 *   loss   = aggregate(l - entropy_coef · H, mask)      (the loss type: grpo, bnpo, dr_grpo, dapo, ...)
 * </pre>
 *
 * Because of the max, the gradient vanishes for A &gt; 0 once r &gt; 1 + ε_high and for A &lt; 0 once
 * r &lt; 1 - ε_low (and, with dual clip, once r &gt; c). Matches verl's {@code compute_policy_loss_vanilla},
 * {@code kl_penalty} and {@code dp_actor.update_policy} (entropy aggregated like the loss) and TRL's
 * {@code GRPOTrainer._compute_loss} (whose {@code -min(r·A, clip(r)·A)} is the same number). TRL's entropy bonus
 * is a token mean whatever the loss type; this one is aggregated like the loss, as verl does.
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
    if (config.klInLoss() && in.refLogProbs().isEmpty()) {
      throw new IllegalArgumentException(
          "refLogProbs must be present when the KL is in the loss (kl_beta = " + config.klBeta() + ")");
    }
    if (config.entropyCoef() > 0 && in.entropy().isEmpty()) {
      throw new IllegalArgumentException(
          "entropy must be present when entropy_coef > 0 (entropy_coef = " + config.entropyCoef() + ")");
    }
    NDArray logp = in.logProbs();
    NDArray mask = in.mask().toType(logp.getDataType(), false); // [B, T]
    NDArray adv = in.tokenAdvantages(); // [B, T]
    NDArray logRatio = logp.sub(in.oldLogProbs()).clip(-20f, 20f); // [B, T]
    NDArray ratio = logRatio.exp(); // [B, T]
    NDArray clipped = ratio.clip(like(ratio, 1 - config.clipLow()), like(ratio, 1 + config.clipHigh())); // [B, T]
    NDArray negAdv = adv.neg();
    NDArray pg1 = negAdv.mul(ratio); // [B, T]
    NDArray pg2 = negAdv.mul(clipped); // [B, T]
    NDArray pg = pg1.maximum(pg2); // [B, T]
    NDArray dualCapped = adv.zerosLike(); // [B, T], 1 where dual clip capped the loss
    if (config.dualClip()) {
      NDArray pg3 = Scalars.mul(negAdv, like(negAdv, config.clipRatioC())); // [B, T]
      NDArray negative = adv.lt(0); // [B, T]
      dualCapped = negative.logicalAnd(pg.gt(pg3)).toType(logp.getDataType(), false);
      pg = NDArrays.where(negative, pg.minimum(pg3), pg);
    }
    LossAggregation agg = config.lossType();
    NDArray policyLoss = agg.aggregate(pg, mask);

    NDArray perToken = pg; // [B, T]
    double klMean = Double.NaN;
    if (in.refLogProbs().isPresent()) {
      NDArray kl = config.klEstimator().perToken(logp, in.refLogProbs().get()); // [B, T]
      klMean = tokenMean(kl, mask);
      if (config.klInLoss()) {
        perToken = perToken.add(Scalars.mul(kl, like(kl, config.klBeta())));
      }
    }
    NDArray objective = perToken; // [B, T]
    double entropyMean = Double.NaN;
    if (in.entropy().isPresent()) {
      NDArray h = in.entropy().get(); // [B, T]
      entropyMean = tokenMean(h, mask);
      if (config.entropyCoef() > 0) {
        objective = perToken.sub(Scalars.mul(h, like(h, config.entropyCoef())));
      }
    }
    NDArray loss = agg.aggregate(objective, mask);

    NDArray low = adv.lt(0).logicalAnd(ratio.lt(like(ratio, 1 - config.clipLow()))); // [B, T]
    NDArray high = adv.gt(0).logicalAnd(ratio.gt(like(ratio, 1 + config.clipHigh()))); // [B, T]
    PolicyLossMetrics metrics = new PolicyLossMetrics(
        scalar(policyLoss),
        klMean,
        entropyMean,
        tokenMean(ratio, mask),
        tokenMean(low, mask),
        tokenMean(high, mask),
        tokenMean(low.logicalOr(high), mask),
        tokenMean(pg2.gt(pg1), mask),
        tokenMean(dualCapped, mask),
        tokenMean(logRatio.neg(), mask),
        scalar(mask.sum()));
    return new PolicyLossOutput(loss, perToken.mul(mask), ratio.stopGradient(), metrics);
  }

  /** A scalar in the array's precision: a double constant would promote float32 math to float64. */
  static Number like(NDArray array, double value) {
    return Scalars.sameType(array, value);
  }

  private static double scalar(NDArray x) {
    return x.stopGradient().toType(DataType.FLOAT64, false).getDouble();
  }

  /** {@code Σ v·m / max(1, Σ m)}, detached. */
  private static double tokenMean(NDArray values, NDArray mask) {
    return scalar(LossAggregation.tokenMean(values.stopGradient().toType(mask.getDataType(), false), mask));
  }
}
