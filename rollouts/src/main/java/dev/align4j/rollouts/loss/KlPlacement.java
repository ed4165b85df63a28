package dev.align4j.rollouts.loss;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the KL-to-reference penalty (weight β, estimator {@link KlEstimator}) enters:
 *
 * <ul>
 *   <li>{@code loss}: as a per-token term of the loss, {@code l_t += β · KL_t(π_θ, π_ref)}, differentiable in the
 *       current policy (GRPO, TRL's {@code beta}; verl {@code use_kl_loss}).
 *   <li>{@code reward}: as a per-token reward penalty at sampling time, {@code r_t -= β · KL_t(π_old, π_ref)}, using
 *       the log-probs of the policy that sampled (a constant of the loss); outcome estimators see the sequence sum
 *       {@code score - β · Σ_t KL_t} (PPO / REINFORCE++; verl {@code use_kl_in_reward}, {@code apply_kl_penalty}).
 * </ul>
 */
public enum KlPlacement {
  @JsonProperty("loss")
  LOSS,
  @JsonProperty("reward")
  REWARD
}
