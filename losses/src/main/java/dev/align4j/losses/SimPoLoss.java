package dev.align4j.losses;

import dev.align4j.core.Scalars;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * SimPO: reference-free, length-normalized preference loss with an absolute target margin γ, optionally plus an
 * NLL (SFT) term on the chosen completion (CPO-SimPO).
 *
 * <pre>
 *   p_w  = (1/|y_w|) Σ_t log π(y_w,t | ·),   p_l likewise
 *   z    = β · (p_w − p_l) − γ
 *   loss = −(1 − ε) · log σ(z) − ε · log σ(−z) + λ · (−p_w)        λ = sft_weight
 * </pre>
 *
 * <p>Paper: Meng et al., arXiv:2405.14734 (NLL term: CPO, Xu et al., arXiv:2401.08417). Matches TRL
 * {@code CPOTrainer.cpo_loss} with {@code loss_type="simpo"} (γ = {@code simpo_gamma}, λ = {@code cpo_alpha}) and
 * open-instruct {@code dpo_utils.simpo_loss} (γ = β · gamma_beta_ratio). One difference: TRL averages the NLL
 * over all chosen tokens of the batch, here it is −p_w per pair so that every pair has its own loss; the two
 * agree when the chosen completions have equal lengths.
 */
public record SimPoLoss(SimPoConfig config) implements ReferenceFreeLoss {
  public SimPoLoss {
    Objects.requireNonNull(config, "config");
  }

  @Override
  public NDArray losses(NDArray chosenLogp, NDArray rejectedLogp) {
    NDArray z = Scalars.mul(chosenLogp.sub(rejectedLogp), config.beta()).sub(config.gamma());
    NDArray loss = StableMath.smoothedLogistic(z, config.labelSmoothing());
    if (config.sftWeight() == 0) {
      return loss;
    }
    return loss.sub(Scalars.mul(chosenLogp, config.sftWeight()));
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.MEAN;
  }
}
