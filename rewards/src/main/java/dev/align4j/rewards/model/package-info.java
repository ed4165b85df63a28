/**
 * Reward models on hand-made features: the open {@link dev.align4j.rewards.model.RewardModel} interface, a
 * Bradley–Terry linear model over feature differences of preference pairs (fitted by the optional
 * {@code rewards-tribuo} module with Tribuo's logistic regression; scoring needs nothing but this package) and a
 * fixed weighted sum (e.g. Tulu 3's {@code rm + 10 * verifier}).
 */
package dev.align4j.rewards.model;
