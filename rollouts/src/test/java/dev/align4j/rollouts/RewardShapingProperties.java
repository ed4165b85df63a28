package dev.align4j.rollouts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.rewards.Verdict;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Overlong penalty, dynamic-sampling filter, selection helpers and the verifier adapter. */
class RewardShapingProperties {
  private static final OverlongPenalty DAPO = new OverlongPenalty(20, 4, 1.0);

  @Example
  void overlongPenaltyFollowsDapoEquation13() {
    // L_max 20, L_cache 4: free up to 16 tokens, then -1/4 per token, -1 at the budget
    assertEquals(0.0, DAPO.penalty(16), 0.0);
    assertEquals(-0.25, DAPO.penalty(17), 1e-12);
    assertEquals(-0.75, DAPO.penalty(19), 1e-12);
    assertEquals(-1.0, DAPO.penalty(20), 1e-12);
    assertEquals(-1.0, DAPO.penalty(25), 1e-12);
  }

  @Property(tries = 50)
  void overlongPenaltyIsNonPositiveAndNonIncreasing(@ForAll @IntRange(min = 0, max = 40) int length) {
    assertTrue(DAPO.penalty(length) <= 0);
    assertTrue(DAPO.penalty(length + 1) <= DAPO.penalty(length));
  }

  @Example
  void overlongPenaltyNamesTheBadField() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OverlongPenalty(10, 11, 1.0));
    assertTrue(e.getMessage().contains("cache_length"), e.getMessage());
  }

  /** A group whose completions have these lengths and pass/fail, graded 1/0 plus the DAPO penalty above. */
  private static SampledGroup<String> group(int[] lengths, boolean... passed) {
    java.util.List<Sample> samples = new java.util.ArrayList<>();
    for (int i = 0; i < passed.length; i++) {
      double score = passed[i] ? 1 : 0;
      samples.add(new Sample(new int[lengths[i]], score, score + DAPO.penalty(lengths[i]), passed[i], false));
    }
    return new SampledGroup<>(new Prompt<>("p", new int[] {1}, "gold"), samples);
  }

  @Example
  void dynamicSamplingDecidesOnCorrectnessNeverOnTheShapedReward() {
    // all correct, but one ran into the soft overlong zone: shaped rewards 1.0 and 0.5 differ, the group is still
    // dropped (DAPO eq. 11 counts correct answers; verl filters on acc)
    SampledGroup<String> allCorrect = group(new int[] {5, 18}, true, true);
    assertNotEquals(allCorrect.rewards()[0], allCorrect.rewards()[1]);
    assertFalse(GroupFilter.MIXED_CORRECTNESS.keeps(allCorrect));
    assertFalse(GroupFilter.MIXED_CORRECTNESS.keeps(group(new int[] {3, 3, 3}, false, false, false)));
    assertTrue(GroupFilter.MIXED_CORRECTNESS.keeps(group(new int[] {3, 3, 3}, false, false, true)));
    assertTrue(GroupFilter.KEEP_ALL.keeps(allCorrect));
  }

  @Example
  void theRefillLoopSamplesRoundsUntilTheBatchIsFullAndCutsTheExtra() {
    java.util.Iterator<java.util.List<String>> rounds = java.util.List.of(
        java.util.List.of("keep-a", "drop", "drop"),
        java.util.List.of("drop", "keep-b", "keep-c", "keep-d")).iterator();
    DynamicSampling.Filled<String> filled =
        DynamicSampling.fill(3, 5, rounds::next, g -> g.startsWith("keep"));
    assertEquals(java.util.List.of("keep-a", "keep-b", "keep-c"), filled.batch());
    assertEquals(2, filled.rounds());
    assertEquals(java.util.List.of(java.util.List.of(0), java.util.List.of(1, 2, 3)), filled.keptPerRound());
    assertEquals(4, filled.keptTotal());
    assertEquals(7, filled.sampled().size());
  }

  @Example
  void theRefillLoopFailsLoudlyAfterItsLastRound() {
    // one kept group per round: a batch of 4 is still short after the third and last round
    DynamicSampling.Exhausted e = assertThrows(DynamicSampling.Exhausted.class,
        () -> DynamicSampling.fill(4, 3, () -> java.util.List.of("keep", "drop"), g -> g.equals("keep")));
    assertTrue(e.getMessage().contains("kept only 3 of the 4 groups a batch needs after 3 generation round"),
        e.getMessage());
    // a batch of 2 fills on the second round
    assertEquals(2, DynamicSampling.fill(2, 3, () -> java.util.List.of("keep", "drop"), g -> g.equals("keep"))
        .rounds());
  }

  @Example
  void argmaxBreaksTiesTowardTheFirstSample() {
    assertEquals(1, Selection.argmax(new double[] {0.5, 2, 2, -1}));
    assertEquals(0, Selection.argmax(new double[] {3, 3}));
  }

  @Property(tries = 50)
  void otherThanNeverReturnsTheExcludedIndex(
      @ForAll @IntRange(min = 2, max = 9) int n, @ForAll @IntRange(min = 0, max = 8) int excluded, @ForAll long seed) {
    int ex = excluded % n;
    int pick = Selection.otherThan(ex, n, new Random(seed));
    assertNotEquals(ex, pick);
    assertTrue(pick >= 0 && pick < n);
  }

  @Example
  void verifierRewardDecodesThenUsesTheVerdictReward() {
    VerifierReward<String> reward = new VerifierReward<>(
        (response, gold) -> response.equals(gold) ? Verdict.correct("match") : Verdict.incorrect("differs"),
        ids -> new String(ids, 0, ids.length));
    assertEquals(1.0, reward.reward(new int[] {'q'}, new int[] {'4', '2'}, "42"), 0.0);
    assertEquals(0.0, reward.reward(new int[] {'q'}, new int[] {'4', '1'}, "42"), 0.0);
  }
}
