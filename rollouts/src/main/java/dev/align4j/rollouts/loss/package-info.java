/**
 * Policy-gradient losses on per-token log-probs: the clipped importance-ratio surrogate (PPO / GRPO / DAPO
 * clip-higher, dual clip), the loss types that aggregate it over tokens, micro-batches and accumulation steps
 * (TRL's {@code grpo}, {@code bnpo}, {@code dr_grpo}, {@code dapo}; an open plug-in point,
 * {@link dev.align4j.rollouts.loss.LossAggregationType}), the KL penalty to a reference policy (k1 / k2 / k3 / abs,
 * in the loss or in the reward) and the entropy bonus. Inputs are {@code [B, T]} NDArrays; nothing here samples or
 * scores.
 */
package dev.align4j.rollouts.loss;
