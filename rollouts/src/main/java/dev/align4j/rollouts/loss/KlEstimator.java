package dev.align4j.rollouts.loss;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.Scalars;

/**
 * Per-token estimators of KL(π_θ || π_ref) from samples of π_θ (J. Schulman, "Approximating KL divergence",
 * 2020), with {@code d = logp_ref - logp}; the names are verl's {@code kl_penalty} values ({@code core_algos.py}):
 *
 * <ul>
 *   <li>{@code k1 = -d = logp - logp_ref}: unbiased, high variance, can be negative (verl {@code kl}).
 *   <li>{@code k2 = d² / 2}: biased, low variance, {@code >= 0}; its gradient is the unbiased KL gradient (verl
 *       {@code mse}).
 *   <li>{@code k3 = exp(d) - d - 1}: unbiased, low variance, {@code >= 0} (GRPO's KL term and TRL's; verl's
 *       {@code low_var_kl}, which clamps d to [-20, 20] and the result to [-10, 10]; so does this class).
 *   <li>{@code abs = |d|} (verl {@code abs}).
 * </ul>
 */
public enum KlEstimator {
  @JsonProperty("k1")
  K1 {
    @Override
    public NDArray perToken(NDArray logProbs, NDArray refLogProbs) {
      return logProbs.sub(refLogProbs);
    }
  },
  @JsonProperty("k2")
  K2 {
    @Override
    public NDArray perToken(NDArray logProbs, NDArray refLogProbs) {
      NDArray d = logProbs.sub(refLogProbs);
      return Scalars.mul(d.square(), Scalars.sameType(d, 0.5));
    }
  },
  @JsonProperty("k3")
  K3 {
    @Override
    public NDArray perToken(NDArray logProbs, NDArray refLogProbs) {
      // clamp first as verl does: exp(d) must stay finite or its backward turns 0 * inf into NaN
      NDArray d = refLogProbs.sub(logProbs).clip(-20f, 20f);
      return d.exp().sub(d).sub(1f).clip(-10f, 10f);
    }
  },
  @JsonProperty("abs")
  ABS {
    @Override
    public NDArray perToken(NDArray logProbs, NDArray refLogProbs) {
      return logProbs.sub(refLogProbs).abs();
    }
  };

  /** Per-token KL estimate, same shape as the inputs, differentiable in {@code logProbs}. */
  public abstract NDArray perToken(NDArray logProbs, NDArray refLogProbs);
}
