/**
 * Preference losses on DJL {@code NDArray}s with autograd: the DPO family of TRL's {@code dpo_trainer}
 * (sigmoid with label smoothing, ipo, hinge, robust, exo_pair, nca_pair, sppo_hard, apo_zero, apo_down,
 * discopop), open-instruct's {@code dpo_norm}, and SimPO. Losses are pure functions of a batch of
 * per-sequence log-probs.
 *
 * <pre>{@code
 * LossConfig config = LossConfig.fromJson("{\"type\": \"dpo_norm\", \"beta\": 5}");  // or new DpoNormConfig(5)
 * PreferenceLoss loss = config.create();
 * LogProbPair policy = LogProbPair.fromTokens(piChosen, chosenMask, piRejected, rejectedMask);   // [B, T] each
 * LogProbPair reference = LogProbPair.fromTokens(refChosen, chosenMask, refRejected, rejectedMask);
 * LossOutput out = loss.compute(PreferenceBatch.of(policy, reference));
 * gradientCollector.backward(out.mean());
 * out.metrics();  // rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected
 * }</pre>
 *
 * <p>Entry points: {@link dev.align4j.losses.LossConfig} (Jackson-typed by {@code "type"}, names registered as
 * {@link dev.align4j.losses.LossType} services), {@link dev.align4j.losses.PreferenceLoss} (open:
 * {@link dev.align4j.losses.ReferenceBasedLoss}, {@link dev.align4j.losses.ReferenceFreeLoss}),
 * {@link dev.align4j.losses.PreferenceBatch}, {@link dev.align4j.losses.LossOutput}, and for loss authors
 * {@link dev.align4j.losses.StableMath} and {@link dev.align4j.core.Scalars}.
 */
package dev.align4j.losses;
