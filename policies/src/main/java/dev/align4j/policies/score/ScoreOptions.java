package dev.align4j.policies.score;

/**
 * How {@link TokenLogProbs#score} scores a batch beyond the plain log-probs.
 *
 * <ul>
 *   <li>{@code temperature} τ: the logits are divided by τ before the log-softmax, {@code logp = log_softmax(z /
 *       τ)[target]}, so that scores match the distribution a sampler with that temperature drew from (TRL's
 *       {@code _get_per_token_logps_and_entropies}, verl's {@code logits.div_(temperature)}); 1 = the model's own.
 *   <li>{@code entropy}: whether to also return the per-token entropy of that distribution,
 *       {@code H = -Σ_v p_v log p_v}, and whether it carries a gradient (an entropy bonus needs one; a logged
 *       metric does not, and skipping it keeps no extra [rows, vocab] array alive for the backward pass).
 * </ul>
 *
 * @param chunkRows rows per LM-head chunk, {@code >= 1}
 * @param temperature τ &gt; 0
 * @param entropy whether and how to compute the entropy
 */
public record ScoreOptions(int chunkRows, double temperature, Entropy entropy) {

  /** Whether the per-token entropy is computed, and whether it is differentiable. */
  public enum Entropy {
    /** Not computed. */
    NONE,
    /** Computed without gradient (for metrics). */
    DETACHED,
    /** Computed with gradient (for an entropy bonus in the loss). */
    DIFFERENTIABLE
  }

  public ScoreOptions {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
    }
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
    }
    java.util.Objects.requireNonNull(entropy, "entropy");
  }

  /** Log-probs at {@code temperature}, with the entropy as asked. */
  public static ScoreOptions at(double temperature, Entropy entropy) {
    return new ScoreOptions(TokenLogProbs.DEFAULT_CHUNK_ROWS, temperature, entropy);
  }
}
