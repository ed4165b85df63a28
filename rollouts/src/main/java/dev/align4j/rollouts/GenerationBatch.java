package dev.align4j.rollouts;

import java.util.List;
import java.util.Map;

/**
 * A generation batch ready for training: its micro-batches (whole groups each, in order), what was sampled, and
 * the metrics of building it.
 *
 * @param microBatches the batch split into micro-batches
 * @param groups the groups of the batch, in order
 * @param metrics what building the batch measured: with the KL in the reward, {@code reward_kl_penalty} (the
 *     batch mean of each completion's masked mean KL of the sampling policy to the reference, as verl's
 *     {@code actor/reward_kl_penalty}) and {@code reward_kl_penalty_coeff} (β); empty otherwise
 */
public record GenerationBatch(List<PolicyGradientBatch> microBatches, List<? extends SampledGroup<?>> groups,
    Map<String, Double> metrics) {
  public GenerationBatch {
    microBatches = List.copyOf(microBatches);
    groups = List.copyOf(groups);
    metrics = Map.copyOf(metrics);
  }
}
