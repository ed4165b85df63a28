package dev.align4j.losses;

/**
 * A preference loss: a pure function of a {@link PreferenceBatch} of log-probs to a {@link LossOutput}.
 *
 * <p>Two kinds: {@link ReferenceBasedLoss} (the DPO family of TRL's {@code dpo_trainer}, which needs a frozen
 * reference model) and {@link ReferenceFreeLoss} (SimPO). Obtain one from a {@link LossConfig} with
 * {@code config.create()}, or construct the class directly from its config record.
 *
 * <p>All arrays of the output are attached to the manager of the input arrays: run each step inside an
 * {@code NDManager} scope and close it.
 */
public interface PreferenceLoss {

  /** Per-example losses, their mean, rewards and TRL metrics for the batch. */
  LossOutput compute(PreferenceBatch batch);

  /** Whether the loss sums or averages log-probs over completion tokens. */
  Aggregation aggregation();

  /** The validated parameters this loss was built from (each loss is a record over its config). */
  LossConfig config();

  /** The inverse temperature β (&gt; 0), from the config. */
  default double beta() {
    return config().beta();
  }
}
