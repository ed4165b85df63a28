package dev.align4j.experiments.run;

import dev.align4j.experiments.train.AdamW;

/**
 * What a run does around each optimizer update besides the update itself. {@link Trainer} calls
 * {@link #beforeUpdate} after the update is planned (data drawn, rollouts sampled) and right before its forward and
 * backward passes, and {@link #afterUpdate} once the optimizer has stepped. LoRA switches its dropout on for the
 * update only; LISA chooses which decoder layers train and drops the optimizer state of the others there.
 */
public interface UpdateHook {
  /** Does nothing. */
  UpdateHook NONE = new UpdateHook() {};

  /**
   * Before update {@code step} (0-based: the number of updates already done), on the same optimizer that then
   * steps. Called on every update, including the first one after a resume.
   */
  default void beforeUpdate(long step, AdamW optimizer) {}

  /** After update {@code step} (0-based), applied or skipped. */
  default void afterUpdate(long step) {}
}
