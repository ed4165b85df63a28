package dev.align4j.experiments.train;

import java.util.Map;

/**
 * What one optimizer update did.
 *
 * @param loss the update's loss, {@code Σ_i (w_i / Σ w) · L_i} over its micro-batches
 * @param gradNorm global gradient norm before clipping
 * @param lr learning rate used for the update
 * @param metrics the micro-batch metrics, averaged with their metric weights
 */
public record StepResult(double loss, double gradNorm, double lr, Map<String, Double> metrics) {
  public StepResult {
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
  }
}
