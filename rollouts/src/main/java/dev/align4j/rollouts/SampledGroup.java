package dev.align4j.rollouts;

import java.util.List;
import java.util.Objects;

/**
 * The G graded completions of one prompt.
 *
 * @param prompt the prompt
 * @param samples its completions, in sampling order
 * @param <R> the prompt's reference type
 */
public record SampledGroup<R>(Prompt<R> prompt, List<Sample> samples) {
  public SampledGroup {
    Objects.requireNonNull(prompt, "prompt");
    samples = List.copyOf(samples);
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one sample");
    }
  }

  /** The shaped rewards, in sampling order. */
  public double[] rewards() {
    return samples.stream().mapToDouble(Sample::reward).toArray();
  }

  /**
   * Whether some completions passed and some did not: DAPO's dynamic-sampling criterion (arXiv 2503.14476, eq. 11:
   * {@code 0 < |{o_i : is_equivalent(a, o_i)}| < G}; verl {@code filter_groups.metric: acc}). Decided on the
   * verifier's pass/fail, never on the shaped reward.
   */
  public boolean mixedCorrectness() {
    long passed = samples.stream().filter(Sample::passed).count();
    return passed > 0 && passed < samples.size();
  }
}
