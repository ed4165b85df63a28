/**
 * The built-in RL rewards, registered by name ({@link dev.align4j.rewards.RewardType}) exactly as a plug-in reward
 * is: {@code math}, {@code code}, {@code ifeval} and {@code weighted_sum}. Each is a config record whose
 * {@code create()} builds a {@link dev.align4j.rewards.Reward} over the matching verifier.
 */
package dev.align4j.rewards.config;
