package dev.align4j.rewards;

import java.util.Objects;

/**
 * A graded response: the shaped scalar reward (scaled, summed over components) and, kept apart, whether the
 * verifier passed it (math: the answer is correct; code: every test passed; ifeval: every constraint holds).
 * Decisions that DAPO and verl base on accuracy (dynamic sampling's {@code filter_groups.metric: acc}) read
 * {@link #passed()}, never the scalar.
 *
 * @param reward the shaped reward, finite
 * @param passed the verifier's pass/fail
 * @param status the verdict's status name, for logs ({@code correct}, {@code failed}, ...)
 */
public record Graded(double reward, boolean passed, String status) {
  public Graded {
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("reward must be finite, got " + reward);
    }
    Objects.requireNonNull(status, "status");
  }

  /** A verdict scaled by {@code scale}, passed when its status is {@code pass}. */
  public static Graded of(Verdict verdict, double scale, Verdict.Status pass) {
    return new Graded(scale * verdict.reward(), verdict.status() == pass, verdict.status().wireName());
  }
}
