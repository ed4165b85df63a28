package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.Require;

/**
 * REINFORCE++ (Hu, arXiv 2501.03262), as verl's {@code compute_reinforce_plus_plus_outcome_advantage}: per-token
 * returns of the token rewards ({@link TokenRewards#tokenLevel()}: the outcome score on the last token, the KL
 * penalty on every token when the KL is in the reward), then whitened over every completion token of the batch
 * (no per-prompt baseline):
 *
 * <pre>
 *   G[b, t] = r[b, t] + γ · G[b, t+1]                  (within the completion)
 *   μ = Σ G·m / (Σ m + 1e-8),  σ² = Σ (G − μ)²·m / (Σ m + 1e-8) · Σ m / (Σ m − 1)
 *   A[b, t] = (G[b, t] − μ) / sqrt(σ² + ε) · m[b, t]
 * </pre>
 *
 * which is verl's {@code masked_whiten} (unbiased variance, 1e-8 in the masked mean) with {@code ε = epsilon}.
 * On outcome rewards {@code [N, G]} alone ({@link #estimate(NDArray)}) every completion is one token: the rewards
 * whitened over the batch. Needs at least two completion tokens in the batch.
 *
 * @param gamma discount γ in [0, 1] (verl {@code algorithm.gamma}, 1 for outcome rewards)
 * @param epsilon added to the variance before the square root, {@code > 0} (verl 1e-8)
 */
public record ReinforcePlusPlusAdvantage(
    @JsonProperty("gamma") double gamma, @JsonProperty("epsilon") double epsilon) implements AdvantageEstimator {

  /** verl's masked-mean guard. */
  private static final double MEAN_GUARD = 1e-8;

  public ReinforcePlusPlusAdvantage {
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new InvalidConfigException("gamma", "must be in [0, 1] (got " + gamma + ")");
    }
    Require.positive("epsilon", epsilon);
  }

  /** γ = 1, ε = 1e-8 (verl's defaults). */
  public static ReinforcePlusPlusAdvantage standard() {
    return new ReinforcePlusPlusAdvantage(1.0, 1e-8);
  }

  @Override
  public NDArray estimate(NDArray rewards) {
    Groups.checkShape(rewards, minGroupSize());
    NDArray ones = rewards.onesLike().reshape(-1, 1);
    return estimate(TokenRewards.outcome(rewards, ones)).reshape(rewards.getShape());
  }

  @Override
  public NDArray estimate(TokenRewards rewards) {
    NDArray tokenRewards = rewards.tokenLevel(); // [B, T]
    int b = Math.toIntExact(tokenRewards.getShape().get(0));
    int t = Math.toIntExact(tokenRewards.getShape().get(1));
    double[] r = tokenRewards.toType(DataType.FLOAT64, false).toDoubleArray();
    double[] m = rewards.mask().toType(DataType.FLOAT64, false).toDoubleArray();
    double[] returns = new double[b * t];
    for (int row = 0; row < b; row++) {
      double running = 0;
      for (int col = t - 1; col >= 0; col--) {
        int i = row * t + col;
        running = r[i] + gamma * running;
        returns[i] = running;
        running *= m[i]; // reset at padding: returns never cross a completion's end
      }
    }
    double count = 0;
    double sum = 0;
    for (int i = 0; i < returns.length; i++) {
      count += m[i];
      sum += returns[i] * m[i];
    }
    if (count < 2) {
      throw new IllegalArgumentException("reinforce_pp whitens over the batch's completion tokens and needs at least"
          + " two of them, got " + count);
    }
    double mean = sum / (count + MEAN_GUARD);
    double sq = 0;
    for (int i = 0; i < returns.length; i++) {
      double c = returns[i] - mean;
      sq += c * c * m[i];
    }
    double variance = sq / (count + MEAN_GUARD) * (count / (count - 1));
    double scale = 1 / Math.sqrt(variance + epsilon);
    double[] adv = new double[returns.length];
    for (int i = 0; i < returns.length; i++) {
      adv[i] = (returns[i] - mean) * scale * m[i];
    }
    return tokenRewards.getManager().create(adv).reshape(b, t).toType(tokenRewards.getDataType(), false);
  }

  /** Registers {@code "reinforce_pp"}. */
  public static final class Type implements AdvantageType {
    @Override
    public String name() {
      return "reinforce_pp";
    }

    @Override
    public Class<ReinforcePlusPlusAdvantage> configType() {
      return ReinforcePlusPlusAdvantage.class;
    }
  }
}
