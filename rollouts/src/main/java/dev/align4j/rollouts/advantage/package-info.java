/**
 * Advantage estimators for RL from verifiable rewards: rewards of {@code N} prompts times {@code G} sampled
 * completions ({@code [N, G]}, or {@link dev.align4j.rollouts.advantage.TokenRewards} with a per-token KL penalty)
 * become one advantage per completion or per token. Each estimator is a small record that is also its own
 * Jackson-typed config ({@code {"type": "grpo", "epsilon": 1e-6}}), registered by name as an open plug-in point
 * ({@link dev.align4j.rollouts.advantage.AdvantageType}).
 */
package dev.align4j.rollouts.advantage;
