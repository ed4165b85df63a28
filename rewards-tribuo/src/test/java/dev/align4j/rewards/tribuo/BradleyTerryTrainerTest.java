package dev.align4j.rewards.tribuo;

import dev.align4j.rewards.model.BradleyTerryModel;
import dev.align4j.rewards.model.PreferencePair;
import dev.align4j.rewards.model.RewardModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** On synthetic pairs whose preference is driven by one feature the fitted model ranks correctly. */
class BradleyTerryTrainerTest {

  /** Features: "verifier" in [0, 1], "length" in [0, 2], "density" in [-1, 1]; preference decided by {@code driver}. */
  private static List<PreferencePair> pairs(int n, long seed, String driver, double sign) {
    Random r = new Random(seed);
    List<PreferencePair> out = new ArrayList<>();
    while (out.size() < n) {
      Map<String, Double> a = Map.of("verifier", r.nextDouble(), "length", 2 * r.nextDouble(),
          "density", 2 * r.nextDouble() - 1);
      Map<String, Double> b = Map.of("verifier", r.nextDouble(), "length", 2 * r.nextDouble(),
          "density", 2 * r.nextDouble() - 1);
      double margin = sign * (a.get(driver) - b.get(driver));
      out.add(margin >= 0 ? new PreferencePair(a, b) : new PreferencePair(b, a));
    }
    return out;
  }

  private static double rankingAccuracy(RewardModel m, List<PreferencePair> pairs) {
    return pairs.stream().filter(p -> m.score(p.chosen()) > m.score(p.rejected())).count() / (double) pairs.size();
  }

  @Test
  void learnsThatTheVerifierScoreDrivesPreference() {
    BradleyTerryModel m = BradleyTerryTrainer.defaults().fit(pairs(400, 1, "verifier", +1));
    assertTrue(m.weights().get("verifier") > 0, m.weights().toString());
    assertTrue(m.weights().get("verifier") > 3 * Math.abs(m.weights().get("length")), m.weights().toString());
    assertTrue(m.weights().get("verifier") > 3 * Math.abs(m.weights().get("density")), m.weights().toString());
    double acc = rankingAccuracy(m, pairs(300, 2, "verifier", +1));
    assertTrue(acc > 0.9, "held-out ranking accuracy " + acc);
  }

  @Test
  void learnsANegativeWeightWhenShorterIsPreferred() {
    BradleyTerryModel m = BradleyTerryTrainer.defaults().fit(pairs(400, 3, "length", -1));
    assertTrue(m.weights().get("length") < 0, m.weights().toString());
    assertTrue(rankingAccuracy(m, pairs(300, 4, "length", -1)) > 0.9);
    Map<String, Double> shortOne = Map.of("verifier", 0.5, "length", 0.1, "density", 0.0);
    Map<String, Double> longOne = Map.of("verifier", 0.5, "length", 1.9, "density", 0.0);
    assertTrue(m.preferenceProbability(shortOne, longOne) > 0.5);
    assertEquals(1.0, m.preferenceProbability(shortOne, longOne) + m.preferenceProbability(longOne, shortOne), 1e-12);
  }

  @Test
  void aTrainerWithoutEpochsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BradleyTerryTrainer(0, 0.5, 1));
  }
}
