package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;

/**
 * A loss of the policy log-probs alone, {@code p_w = log π(y_w|x)} and {@code p_l = log π(y_l|x)} (summed or
 * averaged as {@link #aggregation()} says); reference log-probs in the batch, if any, are ignored.
 *
 * <p>Rewards are {@code r_w = β·p_w} and {@code r_l = β·p_l}, as TRL's CPO trainer logs them.
 */
public interface ReferenceFreeLoss extends PreferenceLoss {

  /**
   * The per-example loss from the policy log-probs, both shape [B].
   *
   * @param chosenLogp p_w
   * @param rejectedLogp p_l
   */
  NDArray losses(NDArray chosenLogp, NDArray rejectedLogp);

  @Override
  default LossOutput compute(PreferenceBatch batch) {
    NDArray chosen = aggregation().apply(batch.policy().chosen());
    NDArray rejected = aggregation().apply(batch.policy().rejected());
    return LossOutput.of(losses(chosen, rejected), Scalars.mul(chosen, beta()), Scalars.mul(rejected, beta()), chosen,
        rejected);
  }
}
