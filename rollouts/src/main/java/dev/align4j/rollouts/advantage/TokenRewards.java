package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import dev.align4j.core.Scalars;
import dev.align4j.rollouts.loss.KlEstimator;
import dev.align4j.rollouts.loss.SequenceMeanLoss;
import java.util.Objects;
import java.util.Optional;

/**
 * The rewards of a batch of {@code B = N·G} completions, as verl's {@code token_level_rewards} describe them: each
 * completion's outcome score sits on its last completion token, and an optional per-token penalty (β·KL of the
 * sampling policy to the reference, when the KL is in the reward) is subtracted at every completion token.
 *
 * <pre>
 *   token_reward[b, t]  = score[b] · [t = last completion token of b] − penalty[b, t]
 *   sequence_reward[b]  = Σ_t token_reward[b, t] = score[b] − Σ_t penalty[b, t]
 * </pre>
 *
 * @param scores {@code [N, G]} outcome scores (already shaped, e.g. with the overlong penalty)
 * @param penalty {@code [B, T]} per-token penalty, 0 off the completion mask; empty when there is none
 * @param mask {@code [B, T]} 1 on completion tokens (contiguous per row), 0 on padding
 */
public record TokenRewards(NDArray scores, Optional<NDArray> penalty, NDArray mask) {
  public TokenRewards {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(penalty, "penalty");
    Objects.requireNonNull(mask, "mask");
    if (scores.getShape().dimension() != 2) {
      throw new IllegalArgumentException("scores must be [N, G], got " + scores.getShape());
    }
    long b = scores.getShape().size();
    if (mask.getShape().dimension() != 2 || mask.getShape().get(0) != b) {
      throw new IllegalArgumentException("mask must be [N·G = " + b + ", T], got " + mask.getShape());
    }
    penalty.ifPresent(p -> {
      if (!p.getShape().equals(mask.getShape())) {
        throw new IllegalArgumentException("penalty must have the mask's shape " + mask.getShape() + ", got "
            + p.getShape());
      }
    });
  }

  /**
   * Scores with the KL in the reward, as verl's {@code apply_kl_penalty}: {@code penalty = β · KL_t(old, ref) · m},
   * the estimator applied to the log-probs of the policy that sampled ({@code old}) and the reference, {@code [B, T]}.
   */
  public static TokenRewards withKlPenalty(NDArray scores, NDArray oldLogProbs, NDArray refLogProbs, NDArray mask,
      KlEstimator estimator, double beta) {
    return withKlPenalty(scores, estimator.perToken(oldLogProbs, refLogProbs), mask, beta);
  }

  /** {@link #withKlPenalty(NDArray, NDArray, NDArray, NDArray, KlEstimator, double)} from the per-token KL {@code [B, T]}. */
  public static TokenRewards withKlPenalty(NDArray scores, NDArray kl, NDArray mask, double beta) {
    NDArray masked = kl.mul(mask.toType(kl.getDataType(), false));
    NDArray penalty = Scalars.mul(masked, Scalars.sameType(masked, beta)); // [B, T]
    return new TokenRewards(scores, Optional.of(penalty), mask);
  }

  /**
   * The KL the reward penalty is made of, as one number for the logs (verl's {@code actor/reward_kl_penalty}):
   * each completion's mean of the per-token KL {@code [B, T]} over its completion tokens, averaged over the
   * completions (a completion without tokens counts as 0): TRL's {@code grpo} aggregation, {@link SequenceMeanLoss}.
   */
  public static double meanSequenceKl(NDArray kl, NDArray mask) {
    return new SequenceMeanLoss().aggregate(kl, mask.toType(kl.getDataType(), false))
        .toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }

  /** Outcome scores only, no per-token penalty. */
  public static TokenRewards outcome(NDArray scores, NDArray mask) {
    return new TokenRewards(scores, Optional.empty(), mask);
  }

  /** {@code [N, G]}: each completion's score minus its summed penalty. */
  public NDArray sequenceRewards() {
    return penalty.map(p -> scores.sub(p.toType(scores.getDataType(), false).sum(new int[] {1})
        .reshape(scores.getShape()))).orElse(scores);
  }

  /** {@code [B, T]}: the score on each row's last completion token, minus the penalty. */
  public NDArray tokenLevel() {
    NDArray m = mask.toType(scores.getDataType(), false); // [B, T]
    long t = m.getShape().get(1);
    // a completion token whose successor is not one is the last (masks are contiguous, right-padded)
    NDArray next = NDArrays.concat(new ai.djl.ndarray.NDList(
        m.get(":, 1:"), m.getManager().zeros(new Shape(m.getShape().get(0), 1), m.getDataType())), 1); // [B, T]
    NDArray last = t == 1 ? m : m.mul(next.neg().add(1f)); // [B, T]
    NDArray out = last.mul(scores.reshape(-1, 1)); // [B, T]
    return penalty.map(p -> out.sub(p.toType(scores.getDataType(), false))).orElse(out);
  }
}
