package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * EXO (pairwise): the reverse KL from the model preference σ(z) to the smoothed label (1 − ε, ε).
 *
 * <pre>
 *   z    = β · ((log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)))
 *   loss = σ(z) · (log σ(z) − log(1 − ε)) + σ(−z) · (log σ(−z) − log ε)
 * </pre>
 *
 * <p>Paper: Ji et al., "Towards Efficient Exact Optimization of Language Model Alignment", arXiv:2402.00856,
 * eq. (16). Matches TRL {@code DPOTrainer.dpo_loss} with {@code loss_type="exo_pair"} (default ε = 1e-3, the
 * value TRL substitutes for 0). Zero at σ(z) = 1 − ε, so not monotone in the margin.
 */
public record ExoPairLoss(ExoPairConfig config) implements ReferenceBasedLoss {
  public ExoPairLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
    NDArray z = Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), config.beta());
    double eps = config.labelSmoothing();
    NDArray towardChosen = StableMath.sigmoid(z).mul(StableMath.logSigmoid(z).sub(Math.log(1 - eps)));
    NDArray towardRejected = StableMath.sigmoid(z.neg()).mul(StableMath.logSigmoid(z.neg()).sub(Math.log(eps)));
    return towardChosen.add(towardRejected);
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.SUM;
  }
}
