package dev.align4j.rollouts;

import dev.align4j.policies.generate.GenerationConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link RolloutStep} samples, shapes and masks.
 *
 * @param groupSize G, completions sampled per prompt, {@code >= 1} (GRPO / RLOO need {@code >= 2})
 * @param generation sampling settings (temperature, top-p, token budget, stop at EOS); its seed is replaced by
 *     the seed given to each {@link RolloutStep#sample} call
 * @param groupFilter which groups enter the batch ({@link GroupFilter#MIXED_CORRECTNESS} = DAPO dynamic sampling)
 * @param overlongPenalty DAPO's soft length penalty added to each reward, or empty for none
 * @param maskTruncatedCompletions whether completions that ran into the budget without EOS are left out of the loss
 *     (TRL {@code mask_truncated_completions}; DAPO's overlong filtering); they still count in the group's rewards
 * @param scoreAtTemperature whether log-probs are computed from {@code logits / temperature}, the distribution the
 *     sampler drew from (TRL and verl always do); otherwise from the raw logits
 */
public record RolloutConfig(
    int groupSize,
    GenerationConfig generation,
    GroupFilter groupFilter,
    Optional<OverlongPenalty> overlongPenalty,
    boolean maskTruncatedCompletions,
    boolean scoreAtTemperature) {

  public RolloutConfig {
    if (groupSize < 1) {
      throw new IllegalArgumentException("groupSize must be >= 1, got " + groupSize);
    }
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(groupFilter, "groupFilter");
    Objects.requireNonNull(overlongPenalty, "overlongPenalty (use Optional.empty() for none)");
    if (generation.maxNewTokens() < 1) {
      throw new IllegalArgumentException(
          "generation.maxNewTokens must be >= 1 for rollouts, got " + generation.maxNewTokens());
    }
    if (generation.isGreedy() && scoreAtTemperature) {
      throw new IllegalArgumentException("scoreAtTemperature needs a sampling temperature > 0 (greedy decoding)");
    }
  }

  /** G samples per prompt, every group kept, no length penalty, no truncation mask, scored at the temperature. */
  public static RolloutConfig of(int groupSize, GenerationConfig generation) {
    return new RolloutConfig(groupSize, generation, GroupFilter.KEEP_ALL, Optional.empty(), false,
        !generation.isGreedy());
  }

  /** The temperature log-probs are computed at. */
  public double scoringTemperature() {
    return scoreAtTemperature ? generation.temperature() : 1.0;
  }

  /** The generation settings with this call's seed. */
  GenerationConfig generationWithSeed(long seed) {
    GenerationConfig g = generation;
    return new GenerationConfig(g.maxNewTokens(), g.temperature(), g.topP(), seed, g.stopAtEos());
  }
}
