package dev.align4j.rollouts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@link RolloutStep#collect} call.
 *
 * @param batch the training batch, empty when every group was filtered out
 * @param groups every sampled group, in input order
 * @param stats what the generation saw (before filtering)
 */
public record RolloutResult(Optional<PolicyGradientBatch> batch, List<SampledGroup<?>> groups, GenerationStats stats) {
  public RolloutResult {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(stats, "stats");
    groups = List.copyOf(groups);
  }

  /** How many groups passed the filter. */
  public int keptGroups() {
    return batch.map(b -> b.sequences().batchSize()).orElse(0) / groups.get(0).samples().size();
  }
}
