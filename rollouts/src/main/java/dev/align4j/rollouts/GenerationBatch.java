package dev.align4j.rollouts;

import java.util.List;

/**
 * A generation batch ready for training: its micro-batches (whole groups each, in order) and what was sampled.
 *
 * @param microBatches the batch split into micro-batches
 * @param groups the groups of the batch, in order
 */
public record GenerationBatch(List<PolicyGradientBatch> microBatches, List<? extends SampledGroup<?>> groups) {
  public GenerationBatch {
    microBatches = List.copyOf(microBatches);
    groups = List.copyOf(groups);
  }
}
