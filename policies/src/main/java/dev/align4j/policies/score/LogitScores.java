package dev.align4j.policies.score;

import ai.djl.ndarray.NDArray;
import dev.align4j.core.Scalars;
import java.util.Optional;

/**
 * Log-prob of a target token and entropy of the distribution, from logits: with {@code z} the logits of one row
 * and τ the temperature,
 *
 * <pre>
 *   logp    = log_softmax(z / τ)[target]
 *   entropy = -Σ_v softmax(z / τ)_v · log_softmax(z / τ)_v
 * </pre>
 *
 * The one place both are computed: {@link TokenLogProbs} calls it per LM-head chunk, and tests call it on given
 * logits. Differentiable in {@code logits} (the entropy only in {@link ScoreOptions.Entropy#DIFFERENTIABLE} mode).
 */
public final class LogitScores {
  private LogitScores() {}

  /**
   * @param logits {@code [N, V]}
   * @param targets {@code [N, 1]} int64 token ids
   * @param temperature τ &gt; 0
   * @param entropy whether and how to compute the entropy
   * @return {@code [0]} the log-probs {@code [N]}, {@code [1]} the entropy {@code [N]} when asked for
   */
  public static Result of(NDArray logits, NDArray targets, double temperature, ScoreOptions.Entropy entropy) {
    // closing the [N, V] temporaries early frees their memory; autograd keeps what backward needs on its own
    boolean scale = temperature != 1.0;
    // Scalars: a plain div(Number) would free the divisor before autograd's backward reads it
    NDArray scaled = scale ? Scalars.div(logits, Scalars.sameType(logits, temperature)) : logits; // [N, V]
    try (NDArray logp = scaled.logSoftmax(-1)) { // [N, V]
      NDArray picked = logp.gather(targets, 1).reshape(-1); // [N]
      Optional<NDArray> h = switch (entropy) {
        case NONE -> Optional.empty();
        case DETACHED -> Optional.of(entropyOf(logp.stopGradient()));
        case DIFFERENTIABLE -> Optional.of(entropyOf(logp));
      };
      return new Result(picked, h);
    } finally {
      if (scale) {
        scaled.close();
      }
    }
  }

  /** {@code -Σ_v exp(logp_v) · logp_v} per row: {@code [N, V] -> [N]}. */
  private static NDArray entropyOf(NDArray logp) {
    try (NDArray p = logp.exp(); // [N, V]
        NDArray plogp = p.mul(logp); // [N, V]
        NDArray sum = plogp.sum(new int[] {-1})) { // [N]
      return sum.neg();
    }
  }

  /**
   * @param logProbs {@code [N]}
   * @param entropy {@code [N]}, when asked for
   */
  public record Result(NDArray logProbs, Optional<NDArray> entropy) {}
}
