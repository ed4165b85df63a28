package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-token inputs of a policy-gradient loss, all {@code [B, T]} over completion positions (prompt tokens are
 * not part of T, or are masked out).
 *
 * @param logProbs log π_θ(y_t | ...) of the policy being trained; carries the gradient
 * @param oldLogProbs log π_old of the policy that sampled the completions, computed without gradient
 * @param refLogProbs log π_ref of the frozen reference; empty when there is no KL term
 * @param mask 1 on the tokens the loss counts, 0 on padding (and on masked truncated completions)
 * @param advantages one per sequence, {@code [B]}, or one per token, {@code [B, T]}
 * @param entropy per-token entropy of π_θ, {@code [B, T]}; needed when the entropy bonus is on (then with
 *     gradient), otherwise used for the {@code entropy} metric when present
 */
public record PolicyLossInput(
    NDArray logProbs,
    NDArray oldLogProbs,
    Optional<NDArray> refLogProbs,
    NDArray mask,
    NDArray advantages,
    Optional<NDArray> entropy) {

  public PolicyLossInput {
    Objects.requireNonNull(logProbs, "logProbs");
    Objects.requireNonNull(oldLogProbs, "oldLogProbs");
    Objects.requireNonNull(refLogProbs, "refLogProbs (use Optional.empty() when kl_beta is 0)");
    Objects.requireNonNull(mask, "mask");
    Objects.requireNonNull(advantages, "advantages");
    Objects.requireNonNull(entropy, "entropy (use Optional.empty() when not computed)");
    Shape shape = logProbs.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("logProbs must be [B, T], got " + shape);
    }
    requireShape("oldLogProbs", oldLogProbs, shape);
    requireShape("mask", mask, shape);
    refLogProbs.ifPresent(ref -> requireShape("refLogProbs", ref, shape));
    entropy.ifPresent(h -> requireShape("entropy", h, shape));
    boolean perSequence = advantages.getShape().equals(new Shape(shape.get(0)));
    if (!perSequence && !advantages.getShape().equals(shape)) {
      throw new IllegalArgumentException(
          "advantages must be [B] or [B, T] = " + shape + ", got " + advantages.getShape());
    }
  }

  /** Inputs without entropy. */
  public PolicyLossInput(
      NDArray logProbs, NDArray oldLogProbs, Optional<NDArray> refLogProbs, NDArray mask, NDArray advantages) {
    this(logProbs, oldLogProbs, refLogProbs, mask, advantages, Optional.empty());
  }

  private static void requireShape(String field, NDArray array, Shape expected) {
    if (!array.getShape().equals(expected)) {
      throw new IllegalArgumentException(
          field + " must have the shape of logProbs " + expected + ", got " + array.getShape());
    }
  }

  /** Advantages broadcast to {@code [B, T]}. */
  NDArray tokenAdvantages() {
    return advantages.getShape().dimension() == 1
        ? advantages.expandDims(1).broadcast(logProbs.getShape())
        : advantages;
  }
}
