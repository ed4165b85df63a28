package dev.align4j.policies.score;

import ai.djl.ndarray.NDArray;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TokenLogProbs#score} returns: the per-token log-probs and, when asked for, the per-token entropy
 * {@code [B, T-1]} of the (temperature-scaled) next-token distribution at the same positions (0 where unscored).
 *
 * @param logProbs per-token log-probs, sums and counts
 * @param entropy {@code [B, T-1]}, present when {@link ScoreOptions#entropy()} is not {@code NONE}
 */
public record TokenScores(BatchLogProbs logProbs, Optional<NDArray> entropy) {
  public TokenScores {
    Objects.requireNonNull(logProbs, "logProbs");
    Objects.requireNonNull(entropy, "entropy");
  }
}
