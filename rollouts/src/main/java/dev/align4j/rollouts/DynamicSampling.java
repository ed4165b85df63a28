package dev.align4j.rollouts;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * DAPO's dynamic sampling (arXiv 2503.14476, Algorithm 1) as verl's DAPO trainer runs it
 * ({@code algorithm.filter_groups}): generate a round of groups, keep those the filter accepts, and generate further
 * rounds until {@code target} groups are kept; the batch is the first {@code target} kept groups (extra kept groups of
 * the last round are dropped). After {@code maxRounds} rounds with the batch still short it fails with
 * {@link Exhausted}, as verl raises once {@code max_num_gen_batches} is reached: the prompts are then too easy or too
 * hard for the policy, and training on a silently smaller batch would hide it.
 *
 * <p>Generic in the group type so that the loop can be run on recorded rounds (the tests do).
 */
public final class DynamicSampling {
  private DynamicSampling() {}

  /**
   * The outcome of {@link #fill}.
   *
   * @param batch the first {@code target} kept groups, in round and sampling order
   * @param rounds generation rounds used (verl's {@code num_gen_batches}), {@code >= 1}
   * @param keptPerRound per round, the indices of the groups kept
   * @param sampled every group of every round, in order (for metrics)
   * @param <G> the group type
   */
  public record Filled<G>(List<G> batch, int rounds, List<List<Integer>> keptPerRound, List<G> sampled) {
    public Filled {
      batch = List.copyOf(batch);
      keptPerRound = keptPerRound.stream().map(List::copyOf).toList();
      sampled = List.copyOf(sampled);
    }

    /** Groups kept over all rounds, before the batch was cut to its size. */
    public int keptTotal() {
      return keptPerRound.stream().mapToInt(List::size).sum();
    }
  }

  /** The batch stayed short after the last allowed round. */
  public static final class Exhausted extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient List<List<Integer>> keptPerRound;

    /**
     * @param keptPerRound per round used, the indices of the groups kept
     * @param target groups wanted
     */
    public Exhausted(List<List<Integer>> keptPerRound, int target) {
      super("dynamic sampling kept only " + keptPerRound.stream().mapToInt(List::size).sum() + " of the " + target
          + " groups a batch needs after " + keptPerRound.size() + " generation round(s) (max_rounds): most groups"
          + " were all correct or all wrong, so the prompts are too easy or too hard for the policy; raise"
          + " dynamic_sampling.max_rounds or turn dynamic sampling off");
      this.keptPerRound = keptPerRound.stream().map(List::copyOf).toList();
    }

    /** Per round used, the indices of the groups kept. */
    public List<List<Integer>> keptPerRound() {
      return keptPerRound;
    }
  }

  /**
   * Runs rounds until {@code target} groups are kept.
   *
   * @param target groups the batch needs, {@code >= 1}
   * @param maxRounds most rounds to generate, {@code >= 1}
   * @param nextRound generates one round
   * @param keeps whether a group enters the batch
   * @throws Exhausted when {@code maxRounds} rounds did not keep {@code target} groups
   */
  public static <G> Filled<G> fill(int target, int maxRounds, Supplier<List<G>> nextRound, Predicate<G> keeps) {
    if (target < 1 || maxRounds < 1) {
      throw new IllegalArgumentException("target and maxRounds must be >= 1, got " + target + " and " + maxRounds);
    }
    List<G> kept = new ArrayList<>();
    List<List<Integer>> keptPerRound = new ArrayList<>();
    List<G> sampled = new ArrayList<>();
    for (int round = 1; ; round++) {
      List<G> groups = nextRound.get();
      List<Integer> keptHere = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        if (keeps.test(groups.get(i))) {
          keptHere.add(i);
          kept.add(groups.get(i));
        }
      }
      sampled.addAll(groups);
      keptPerRound.add(keptHere);
      if (kept.size() >= target) {
        return new Filled<>(kept.subList(0, target), round, keptPerRound, sampled);
      }
      if (round >= maxRounds) {
        throw new Exhausted(keptPerRound, target);
      }
    }
  }
}
