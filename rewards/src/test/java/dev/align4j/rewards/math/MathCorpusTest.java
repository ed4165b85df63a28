package dev.align4j.rewards.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.rewards.Verdict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code math/corpus.jsonl} and {@code math/adversarial.jsonl} gets its expected verdict from the
 * default (flexible) verifier.
 */
class MathCorpusTest {

  private static final MathVerifier VERIFIER = new MathVerifier();

  /** The attack classes of the red-team report on the old grader; each must stay covered. */
  private static final List<String> ATTACK_CLASSES = List.of(
      "attack: trailing word is not a unit", "attack: ambiguous juxtaposition",
      "attack: equation is not variable = value", "attack: near-miss number", "attack: identity at random points",
      "attack: hedged answer", "attack: nested singleton set", "attack: percent sign changes the number",
      "attack: different unit");

  static Stream<MathCorpus.Case> cases() {
    return Stream.concat(MathCorpus.load().stream(), MathCorpus.load(MathCorpus.ADVERSARIAL).stream());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void corpusCase(MathCorpus.Case c) {
    Verdict v = VERIFIER.verify(c.response(), c.gold());
    assertEquals(c.expected(), v.status(), () -> "gold " + c.gold() + " | response " + c.response()
        + " | source " + c.source() + " | detail " + v.detail());
    assertEquals(v.status() == Verdict.Status.CORRECT ? 1.0 : 0.0, v.reward());
  }

  @Test
  void corpusIsLargeAndHasHardNegatives() {
    List<MathCorpus.Case> all = MathCorpus.load();
    assertTrue(all.size() >= 150, "corpus has " + all.size() + " cases");
    long negatives = all.stream().filter(c -> c.expected() == Verdict.Status.INCORRECT).count();
    long noAnswer = all.stream().filter(c -> c.expected() == Verdict.Status.NO_ANSWER).count();
    assertTrue(negatives >= 40, "incorrect cases: " + negatives);
    assertTrue(noAnswer >= 3, "no_answer cases: " + noAnswer);
  }

  @Test
  void adversarialCorpusCoversEveryAttackClassAndWhatGradersAccept() {
    List<MathCorpus.Case> all = MathCorpus.load(MathCorpus.ADVERSARIAL);
    for (String attack : ATTACK_CLASSES) {
      List<MathCorpus.Case> cases = all.stream().filter(c -> c.source().startsWith(attack)).toList();
      assertTrue(cases.size() >= 3, attack + ": " + cases.size() + " cases");
      assertTrue(cases.stream().noneMatch(c -> c.expected() == Verdict.Status.CORRECT), attack);
    }
    long attacks = all.stream().filter(c -> c.source().startsWith("attack: ")).count();
    List<MathCorpus.Case> kept = all.stream().filter(c -> c.source().startsWith("keep: ")).toList();
    assertEquals(all.size(), attacks + kept.size(), "every case is an attack or a keep");
    assertTrue(attacks >= 43, "attacks: " + attacks);
    assertTrue(kept.size() >= 40, "kept: " + kept.size());
    assertTrue(kept.stream().allMatch(c -> c.expected() == Verdict.Status.CORRECT));
  }
}
