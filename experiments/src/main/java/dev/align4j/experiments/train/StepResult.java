package dev.align4j.experiments.train;

import java.util.Map;

/**
 * What one optimizer update did.
 *
 * @param loss the update's loss, {@code Σ_i (w_i / Σ w) · L_i} over its micro-batches
 * @param gradNorm global gradient norm before clipping
 * @param lr learning rate used for the update
 * @param metrics the micro-batch metrics, averaged with their metric weights
 * @param applied whether the optimizer took the step: false when the loss or the gradient norm was not finite (the
 *     gradients were then discarded and the weights left as they were)
 */
public record StepResult(double loss, double gradNorm, double lr, Map<String, Double> metrics, boolean applied) {
  public StepResult {
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
  }

  /** The non-finite metrics among {@code loss} and {@code grad_norm}, e.g. {@code "loss is NaN, grad_norm is NaN"}. */
  public String nonFinite() {
    java.util.List<String> bad = new java.util.ArrayList<>();
    if (!Double.isFinite(loss)) {
      bad.add("loss is " + loss);
    }
    if (!Double.isFinite(gradNorm)) {
      bad.add("grad_norm is " + gradNorm);
    }
    return String.join(", ", bad);
  }
}
