/**
 * RL from verifiable rewards: group sampling, graded rewards (a shaped scalar and the verifier's pass/fail), DAPO's
 * overlong penalty, dynamic sampling with refill ({@link dev.align4j.rollouts.DynamicSampling}), GRPO / Dr. GRPO /
 * RLOO / REINFORCE++ advantages, KL to the reference in the loss or in the reward, clipped policy-gradient losses
 * with TRL's loss types, Best-of-N and density-ratio (CDR) preference data.
 *
 * <p>One on-policy GRPO update, as a loop would drive it by hand (the {@code grpo} experiment adds reuse over
 * several updates, refill rounds and checkpointing):
 *
 * <pre>{@code
 * RolloutStep<String> rollout = new RolloutStep<>(
 *     RolloutConfig.of(8, new GenerationConfig(64, 1.0, 1.0, 0L, true)),
 *     new TextReward<>(new MathRewardConfig(1.0).create(), tokenizer::decode),
 *     GrpoAdvantage.standard());
 * ClippedPolicyLoss loss = new ClippedPolicyLoss(PolicyLossConfig.grpo());
 * try (NDManager step = policy.manager().newSubManager()) {
 *   RolloutResult r = rollout.collect(policy, Optional.of(ReferenceModel.of(reference)), prompts, seed, loss.config(), false, step);
 *   log(r.stats().named());
 *   if (r.batch().isPresent()) {
 *     try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
 *       gc.backward(r.batch().get().loss(policy, loss, step).loss());
 *     }
 *     optimizer.step();
 *   }
 * }
 * }</pre>
 */
package dev.align4j.rollouts;
