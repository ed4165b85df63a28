package dev.align4j.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.experiments.train.RunRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArithmeticProblemsTest {
  @Test
  void heldOutProblemsAreNeverAmongTrainingProblems() {
    ArithmeticProblems p = ArithmeticProblems.standard();
    assertEquals(500, p.heldOut().size());
    assertEquals(100 * 100 - 500, p.training().size());
    Set<Problem> held = new HashSet<>(p.heldOut());
    assertTrue(p.sample(5000, new RunRandom(1)).stream().noneMatch(held::contains));
    assertEquals(p, ArithmeticProblems.standard(), "the split is fixed by its seed");
    assertEquals("12+7=", new Problem(12, 7).question());
    assertEquals("12+7=19", new Problem(12, 7).text());
  }
}
