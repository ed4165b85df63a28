package dev.align4j.rewards.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link WeightedSum}: Tulu 3's RLVR reward, the reward model's score plus 10 when the verifier passes. */
class WeightedSumTest {
  @Test
  void weightedSumScalesTheVerifierLikeTulu() {
    WeightedSum tulu = WeightedSum.of("rm", 1.0).scaled("verifier", 10.0);
    assertEquals(0.3 + 10.0, tulu.score(Map.of("rm", 0.3, "verifier", 1.0)), 1e-12);
    assertEquals(0.3, tulu.score(Map.of("rm", 0.3, "verifier", 0.0)), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> WeightedSum.of("rm", Double.NaN));
  }
}
