package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;

/**
 * A loss of the policy-to-reference log-ratios {@code h_w = log π(y_w|x) − log π_ref(y_w|x)} and
 * {@code h_l = log π(y_l|x) − log π_ref(y_l|x)} (summed or averaged over tokens as {@link #aggregation()} says).
 * Most depend only on the margin {@code h_w − h_l}, the "logits" of TRL's {@code dpo_loss}.
 *
 * <p>Rewards are {@code r_w = β·h_w} and {@code r_l = β·h_l}, as in TRL.
 */
public interface ReferenceBasedLoss extends PreferenceLoss {

  /**
   * The per-example loss from the log-ratios, both shape [B]; the pure formula of the type.
   *
   * @param chosenLogRatio h_w
   * @param rejectedLogRatio h_l
   */
  NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio);

  @Override
  default LossOutput compute(PreferenceBatch batch) {
    LogProbPair reference = batch.reference().orElseThrow(() -> new IllegalArgumentException(
        getClass().getSimpleName() + " is reference-based: the batch needs reference log-probs"));
    Aggregation agg = aggregation();
    NDArray chosen = agg.apply(batch.policy().chosen());
    NDArray rejected = agg.apply(batch.policy().rejected());
    NDArray chosenLogRatio = chosen.sub(agg.apply(reference.chosen()));
    NDArray rejectedLogRatio = rejected.sub(agg.apply(reference.rejected()));
    return LossOutput.of(
        losses(chosenLogRatio, rejectedLogRatio),
        Scalars.mul(chosenLogRatio, beta()),
        Scalars.mul(rejectedLogRatio, beta()),
        chosen,
        rejected);
  }
}
