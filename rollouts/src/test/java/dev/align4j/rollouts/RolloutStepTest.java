package dev.align4j.rollouts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.rollouts.advantage.RlooAdvantage;
import dev.align4j.rollouts.loss.ClippedPolicyLoss;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch a rollout builds: shapes, masks, filtering and penalties on a tiny random model. */
class RolloutStepTest {
  private static final int MAX_NEW = 5;
  private static LlamaModel policy;

  @BeforeAll
  static void init() {
    policy = LlamaModel.randomInit(LlamaConfig.small(16, 32, 64, 2, 4, 2), 3, LoadOptions.cpu());
  }

  @AfterAll
  static void close() {
    policy.close();
  }

  private static List<Prompt<Integer>> prompts() {
    // the reference says which reward the test function hands out: -1 = "depends on the first token"
    return List.of(
        new Prompt<>("varied", new int[] {1, 4, 9}, -1),
        new Prompt<>("constant", new int[] {1, 6}, 7),
        new Prompt<>("varied2", new int[] {1, 12, 3, 8}, -1));
  }

  private static final RewardFunction<Integer> REWARD =
      (prompt, completion, constant) -> constant >= 0 ? constant : completion[0] % 3;

  @Test
  void dynamicSamplingDropsTheConstantGroupAndTheBatchLinesUp() {
    RolloutConfig config = new RolloutConfig(
        4, new GenerationConfig(MAX_NEW, 1.0, 1.0, 0L, false), GroupFilter.DROP_UNIFORM, Optional.empty());
    RolloutStep<Integer> step = new RolloutStep<>(config, REWARD, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      RolloutResult result = step.collect(policy, Optional.of(policy), prompts(), 5, scope);
      assertEquals(12, result.samples().size());
      assertEquals(3, result.stats().groups());
      // the constant group is never kept; with this seed both varied groups draw differing rewards
      int kept = result.stats().keptGroups();
      assertEquals(2, kept);
      PolicyGradientBatch batch = result.batch().orElseThrow();
      assertEquals(kept * 4, batch.sequences().batchSize());
      assertEquals(kept * 4, batch.advantages().getShape().get(0));
      // every completion has MAX_NEW tokens (no EOS stop), so each row scores exactly MAX_NEW positions
      float[] perRow = batch.completionMask().sum(new int[] {1}).toFloatArray();
      for (float c : perRow) {
        assertEquals(MAX_NEW, c, 0f);
      }
      assertEquals(batch.oldLogProbs().getShape(), batch.completionMask().getShape());
      // old and reference log-probs come from the same model here: identical, and zero off the mask
      assertEquals(0f, batch.oldLogProbs().sub(batch.refLogProbs().orElseThrow()).abs().max().getFloat(), 0f);
      assertEquals(0f, batch.oldLogProbs().mul(batch.completionMask().sub(1)).abs().max().getFloat(), 0f);
      // RLOO advantages sum to zero within each kept group
      float[] adv = batch.advantages().toFloatArray();
      for (int gIdx = 0; gIdx < kept; gIdx++) {
        double sum = 0;
        for (int j = 0; j < 4; j++) {
          sum += adv[gIdx * 4 + j];
        }
        assertEquals(0.0, sum, 1e-5);
      }
    }
  }

  @Test
  void whenEveryGroupIsUniformThereIsNoBatchButStatsRemain() {
    RolloutConfig config = new RolloutConfig(
        3, new GenerationConfig(MAX_NEW, 1.0, 1.0, 0L, false), GroupFilter.DROP_UNIFORM, Optional.empty());
    RolloutStep<Integer> step = new RolloutStep<>(config, (p, c, ref) -> 1.0, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      RolloutResult result = step.collect(policy, Optional.empty(), prompts(), 1, scope);
      assertTrue(result.batch().isEmpty());
      assertEquals(0, result.stats().keptGroups());
      assertEquals(1.0, result.stats().meanReward(), 0.0);
      assertEquals(MAX_NEW, result.stats().meanCompletionLength(), 0.0);
    }
  }

  @Test
  void aClosedStepScopeLeavesNoArraysBehind() {
    RolloutStep<Integer> step = new RolloutStep<>(
        RolloutConfig.of(4, new GenerationConfig(MAX_NEW, 1.0, 1.0, 0L, false)), REWARD, new RlooAdvantage());
    ClippedPolicyLoss loss = new ClippedPolicyLoss(PolicyLossConfig.grpo());
    BaseNDManager owner = (BaseNDManager) policy.manager();
    int before = owner.getManagedArrays().size();
    for (int i = 0; i < 3; i++) {
      try (NDManager scope = policy.manager().newSubManager()) {
        PolicyGradientBatch batch =
            step.collect(policy, Optional.of(policy), prompts(), i, scope).batch().orElseThrow();
        assertTrue(Double.isFinite(batch.loss(policy, loss, scope).metrics().policyLoss()));
      }
      assertEquals(before, owner.getManagedArrays().size(), "arrays left in the model's manager after step " + i);
    }
  }

  @Test
  void overlongPenaltyIsAddedToEveryReward() {
    RolloutConfig config = new RolloutConfig(2, new GenerationConfig(MAX_NEW, 1.0, 1.0, 0L, false),
        GroupFilter.KEEP_ALL, Optional.of(new OverlongPenalty(MAX_NEW, 2, 0.5)));
    RolloutStep<Integer> step = new RolloutStep<>(config, REWARD, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      RolloutResult result = step.collect(policy, Optional.empty(), prompts(), 9, scope);
      // every completion uses the whole budget: penalty -0.5; the constant group's reward 7 becomes 6.5
      List<Sample> constant = result.samples().stream().filter(s -> s.promptId().equals("constant")).toList();
      assertEquals(2, constant.size(), "group size 2");
      for (Sample s : constant) {
        assertEquals(6.5, s.reward(), 1e-12);
      }
      assertTrue(result.batch().orElseThrow().refLogProbs().isEmpty());
    }
  }
}
