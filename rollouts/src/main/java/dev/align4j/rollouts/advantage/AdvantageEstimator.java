package dev.align4j.rollouts.advantage;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import dev.align4j.core.RegistryTypeResolver;

/**
 * Turns the rewards of N prompts × G completions into advantages. Advantages carry no gradient: they are constants
 * of the policy-gradient loss.
 *
 * <p>Two entry points: {@link #estimate(NDArray)} for outcome rewards {@code [N, G]} → {@code [N, G]}, and
 * {@link #estimate(TokenRewards)} for a batch whose rewards may also carry a per-token penalty (the KL in the
 * reward) → {@code [B]} (one per completion) or {@code [B, T]} (per token). Outcome estimators use the default of
 * the second, which sums each completion's token rewards into one score (verl's {@code token_level_rewards.sum(-1)});
 * token-level ones such as {@code reinforce_pp} override it.
 *
 * <p>An open plug-in point: each estimator is a record that doubles as its JSON config ({@code {"type": "grpo",
 * "epsilon": 1e-6}}), registered by an {@link AdvantageType} listed in
 * {@code META-INF/services/dev.align4j.rollouts.advantage.AdvantageType}. Built-ins: {@code grpo},
 * {@code grpo_batch_std}, {@code dr_grpo}, {@code rloo}, {@code reinforce}, {@code reinforce_pp}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeIdResolver(AdvantageEstimator.Types.class)
public interface AdvantageEstimator {

  /**
   * @param rewards {@code [N, G]} floating-point rewards, one row per prompt
   * @return advantages of the same shape and dtype, attached to the rewards' manager
   */
  NDArray estimate(NDArray rewards);

  /**
   * Advantages of a batch of {@code B = N·G} completions (rows of group i are {@code i·G … i·G + G − 1}).
   *
   * @return {@code [B]} or {@code [B, T]}, attached to the rewards' manager
   */
  default NDArray estimate(TokenRewards rewards) {
    return estimate(rewards.sequenceRewards()).reshape(-1);
  }

  /** Smallest group size this estimator accepts (a leave-one-out or unbiased std needs two samples). */
  default int minGroupSize() {
    return 1;
  }

  /** Binds {@code "type"} to the records of {@link AdvantageType#REGISTRY}. */
  final class Types extends RegistryTypeResolver<AdvantageEstimator> {
    public Types() {
      super(AdvantageType.REGISTRY);
    }
  }
}
