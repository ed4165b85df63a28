package dev.align4j.rewards.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A linear Bradley–Terry reward model (Bradley & Terry 1952; the reward-model objective of InstructGPT, arXiv
 * 2203.02155, here on hand-made features instead of a network):
 * <pre>
 *   r(x)            = sum_k w_k x_k
 *   P(a preferred b) = sigmoid(r(a) - r(b))
 * </pre>
 * Fitted by {@code dev.align4j.rewards.tribuo.BradleyTerryTrainer} (the optional {@code rewards-tribuo} module).
 *
 * @param weights one weight per feature name, in a stable order
 */
public record BradleyTerryModel(Map<String, Double> weights) implements RewardModel {

  public BradleyTerryModel {
    Objects.requireNonNull(weights, "weights");
    weights.forEach((k, v) -> {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("weight of '" + k + "' must be finite, got " + v);
      }
    });
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  @Override
  public double score(Map<String, Double> features) {
    double s = 0;
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      s += w.getValue() * features.getOrDefault(w.getKey(), 0.0);
    }
    return s;
  }

  /** {@code sigmoid(r(a) - r(b))}, the modelled probability that {@code a} is preferred to {@code b}. */
  public double preferenceProbability(Map<String, Double> a, Map<String, Double> b) {
    double margin = score(a) - score(b);
    return margin >= 0 ? 1 / (1 + Math.exp(-margin)) : Math.exp(margin) / (1 + Math.exp(margin));
  }
}
