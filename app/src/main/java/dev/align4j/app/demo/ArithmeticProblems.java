package dev.align4j.app.demo;

import dev.align4j.experiments.train.RunRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The demo's problems: every {@code a+b=} with {@code 0 ≤ a, b < max}, split once by a seeded shuffle into a
 * held-out set (never trained on, by any stage, including the embedded model's pretraining) and the rest.
 *
 * @param max addends are below this
 * @param heldOut problems used only for evaluation
 * @param training every other problem
 */
public record ArithmeticProblems(int max, List<Problem> heldOut, List<Problem> training) {

  /** The split the demo ships with: addends below 100, 500 held-out problems, seed 2024. */
  public static ArithmeticProblems standard() {
    return split(100, 500, 2024);
  }

  /** All problems with addends below {@code max}, {@code heldOutCount} of them held out, shuffled by {@code seed}. */
  public static ArithmeticProblems split(int max, int heldOutCount, long seed) {
    List<Problem> all = new ArrayList<>();
    for (int a = 0; a < max; a++) {
      for (int b = 0; b < max; b++) {
        all.add(new Problem(a, b));
      }
    }
    if (heldOutCount < 1 || heldOutCount >= all.size()) {
      throw new IllegalArgumentException("held-out count must be in [1, " + all.size() + "), got " + heldOutCount);
    }
    int[] order = new RunRandom(seed).permutation(all.size());
    List<Problem> held = new ArrayList<>();
    List<Problem> rest = new ArrayList<>();
    for (int i = 0; i < order.length; i++) {
      (i < heldOutCount ? held : rest).add(all.get(order[i]));
    }
    return new ArithmeticProblems(max, List.copyOf(held), List.copyOf(rest));
  }

  public ArithmeticProblems {
    Set<Problem> seen = new HashSet<>(heldOut);
    for (Problem p : training) {
      if (seen.contains(p)) {
        throw new IllegalArgumentException("problem " + p.question() + " is both held out and in training");
      }
    }
  }

  /** {@code n} training problems drawn without replacement by {@code rng} (all of them when n ≥ size). */
  public List<Problem> sample(int n, RunRandom rng) {
    int[] order = rng.permutation(training.size());
    List<Problem> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, order.length); i++) {
      out.add(training.get(order[i]));
    }
    return out;
  }
}
