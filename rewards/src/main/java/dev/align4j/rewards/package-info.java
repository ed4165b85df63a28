/**
 * Verifiable rewards (pure Java, no DJL): math answer checking, Python code run in a sandbox,
 * instruction-following constraints, SWE-RL patch similarity, and reward models / combination. RL experiments take
 * their reward from config through {@link dev.align4j.rewards.RewardConfig} ({@code {"type": "math", ...}}), an open
 * plug-in point ({@link dev.align4j.rewards.RewardType}); a {@link dev.align4j.rewards.Reward} grades a response into
 * a shaped scalar and, apart from it, the verifier's pass/fail ({@link dev.align4j.rewards.Graded}).
 */
package dev.align4j.rewards;
