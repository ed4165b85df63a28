package dev.align4j.rollouts;

/**
 * Which sampled groups enter the training batch.
 *
 * <ul>
 *   <li>{@code KEEP_ALL}: every group.
 *   <li>{@code MIXED_CORRECTNESS}: DAPO dynamic sampling (arXiv 2503.14476, eq. 11): keep a group only when some of
 *       its completions pass the verifier and some do not ({@link SampledGroup#mixedCorrectness()}). An all-correct
 *       or all-wrong group has all-equal verifier rewards, hence zero group-relative advantages, and only dilutes
 *       the gradient. {@link DynamicSampling} samples more prompts until the batch is full again.
 * </ul>
 */
public enum GroupFilter {
  KEEP_ALL {
    @Override
    public boolean keeps(SampledGroup<?> group) {
      return true;
    }
  },
  MIXED_CORRECTNESS {
    @Override
    public boolean keeps(SampledGroup<?> group) {
      return group.mixedCorrectness();
    }
  };

  /** Whether {@code group} is trained on. */
  public abstract boolean keeps(SampledGroup<?> group);
}
