package dev.align4j.rollouts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.lora.ReferenceModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.score.ScoreOptions;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.rewards.Graded;
import dev.align4j.rollouts.advantage.RlooAdvantage;
import dev.align4j.rollouts.loss.ClippedPolicyLoss;
import dev.align4j.rollouts.loss.GlobalTokenMeanLoss;
import dev.align4j.rollouts.loss.KlEstimator;
import dev.align4j.rollouts.loss.KlPlacement;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch a rollout builds: shapes, masks, filtering, penalties and scoring on a tiny random model. */
class RolloutStepTest {
  private static final int MAX_NEW = 5;
  private static final PolicyLossConfig WITH_KL = PolicyLossConfig.grpo();
  private static final PolicyLossConfig NO_KL = PolicyLossConfig.dapo();
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

  /** Reward 7 (passed) for "constant"; else first token mod 3, passed when positive. */
  private static final Grader<Integer> GRADER = (prompt, completion, constant) -> {
    double r = constant >= 0 ? constant : completion[0] % 3;
    return new Graded(r, r > 0, r > 0 ? "correct" : "incorrect");
  };

  private static RolloutConfig config(int g, GroupFilter filter, Optional<OverlongPenalty> penalty, boolean maskTrunc,
      double temperature) {
    return new RolloutConfig(g, new GenerationConfig(MAX_NEW, temperature, 1.0, 0L, false), filter, penalty,
        maskTrunc, true);
  }

  @Test
  void dynamicSamplingDropsTheAllCorrectGroupAndTheBatchLinesUp() {
    RolloutStep<Integer> step = new RolloutStep<>(
        config(4, GroupFilter.MIXED_CORRECTNESS, Optional.empty(), false, 1.0), GRADER, new RlooAdvantage());
    int fullBatches = 0;
    for (long seed = 0; seed < 8; seed++) {
      try (NDManager scope = policy.manager().newSubManager()) {
        RolloutResult result = step.collect(policy, Optional.of(ReferenceModel.of(policy)), prompts(), seed, WITH_KL, true, scope);
        assertEquals(3, result.groups().size());
        assertEquals(3, result.stats().groups());
        // the all-correct group is never kept; a varied group is kept exactly when it mixes passes and failures
        long mixed = result.groups().stream().filter(SampledGroup::mixedCorrectness).count();
        assertTrue(!result.groups().get(1).mixedCorrectness());
        int kept = result.keptGroups();
        assertEquals(mixed, kept);
        if (kept < 2) {
          continue;
        }
        fullBatches++;
        PolicyGradientBatch batch = result.batch().orElseThrow();
        assertEquals(kept * 4, batch.sequences().batchSize());
        assertEquals(kept * 4, batch.advantages().getShape().get(0));
        // every completion has MAX_NEW tokens (no EOS stop), so each row scores exactly MAX_NEW positions
        for (float c : batch.lossMask().sum(new int[] {1}).toFloatArray()) {
          assertEquals(MAX_NEW, c, 0f);
        }
        NDArray old = batch.oldLogProbs().orElseThrow();
        assertEquals(old.getShape(), batch.lossMask().getShape());
        // old and reference log-probs come from the same model here: identical, and zero off the mask
        assertEquals(0f, old.sub(batch.refLogProbs().orElseThrow()).abs().max().getFloat(), 0f);
        assertEquals(0f, old.mul(batch.lossMask().sub(1)).abs().max().getFloat(), 0f);
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
    assertTrue(fullBatches > 0, "no seed kept both varied groups");
  }

  @Test
  void gradingOnSeveralThreadsGivesTheSameSamplesAndRunsConcurrently() throws Exception {
    RolloutConfig c = config(4, GroupFilter.KEEP_ALL, Optional.empty(), false, 1.0);
    List<SampledGroup<Integer>> one = new RolloutStep<>(c, GRADER, new RlooAdvantage()).sample(policy, prompts(), 5);
    // two graders must be inside grade() at once to open the latch: fails (times out) if grading is sequential
    java.util.concurrent.CountDownLatch meet = new java.util.concurrent.CountDownLatch(2);
    java.util.concurrent.atomic.AtomicBoolean met = new java.util.concurrent.atomic.AtomicBoolean();
    Grader<Integer> waiting = (p, completion, ref) -> {
      meet.countDown();
      try {
        if (!meet.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new IllegalStateException("graders did not run concurrently");
        }
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      met.set(true);
      return GRADER.grade(p, completion, ref);
    };
    List<SampledGroup<Integer>> four = new RolloutStep<>(c, waiting, new RlooAdvantage(), 4)
        .sample(policy, prompts(), 5);
    assertTrue(met.get());
    assertEquals(one.size(), four.size());
    for (int i = 0; i < one.size(); i++) {
      List<Sample> a = one.get(i).samples();
      List<Sample> b = four.get(i).samples();
      assertEquals(a.size(), b.size());
      for (int j = 0; j < a.size(); j++) {
        assertArrayEquals(a.get(j).completionTokens(), b.get(j).completionTokens());
        assertEquals(a.get(j).score(), b.get(j).score(), 0.0);
        assertEquals(a.get(j).reward(), b.get(j).reward(), 0.0);
        assertEquals(a.get(j).passed(), b.get(j).passed());
        assertEquals(a.get(j).truncated(), b.get(j).truncated());
      }
    }
    // a grader's exception reaches the caller as it was thrown
    Grader<Integer> failing = (p, completion, ref) -> {
      throw new IllegalArgumentException("bad reference " + ref);
    };
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new RolloutStep<>(c, failing, new RlooAdvantage(), 3).sample(policy, prompts(), 5));
    assertTrue(e.getMessage().startsWith("bad reference"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new RolloutStep<>(c, GRADER, new RlooAdvantage(), 0));
  }

  @Test
  void whenEveryGroupIsUniformThereIsNoBatchButStatsRemain() {
    Grader<Integer> allPass = (p, c, ref) -> new Graded(1.0, true, "correct");
    RolloutStep<Integer> step = new RolloutStep<>(
        config(3, GroupFilter.MIXED_CORRECTNESS, Optional.empty(), false, 1.0), allPass, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      RolloutResult result = step.collect(policy, Optional.empty(), prompts(), 1, NO_KL, false, scope);
      assertTrue(result.batch().isEmpty());
      assertEquals(0, result.keptGroups());
      assertEquals(1.0, result.stats().reward(), 0.0);
      assertEquals(1.0, result.stats().fracRewardZeroStd(), 0.0);
      assertEquals(MAX_NEW, result.stats().meanLength(), 0.0);
    }
  }

  @Test
  void aClosedStepScopeLeavesNoArraysBehind() {
    RolloutStep<Integer> step = new RolloutStep<>(
        RolloutConfig.of(4, new GenerationConfig(MAX_NEW, 1.0, 1.0, 0L, false)), GRADER, new RlooAdvantage());
    ClippedPolicyLoss loss = new ClippedPolicyLoss(PolicyLossConfig.grpo());
    BaseNDManager owner = (BaseNDManager) policy.manager();
    int before = owner.getManagedArrays().size();
    for (int i = 0; i < 3; i++) {
      try (NDManager scope = policy.manager().newSubManager()) {
        PolicyGradientBatch batch =
            step.collect(policy, Optional.of(ReferenceModel.of(policy)), prompts(), i, WITH_KL, true, scope).batch().orElseThrow();
        assertTrue(Double.isFinite(batch.loss(policy, loss, scope).metrics().policyLoss()));
      }
      assertEquals(before, owner.getManagedArrays().size(), "arrays left in the model's manager after step " + i);
    }
  }

  @Test
  void overlongPenaltyIsAddedToEveryRewardButNotToTheScore() {
    RolloutStep<Integer> step = new RolloutStep<>(
        config(2, GroupFilter.KEEP_ALL, Optional.of(new OverlongPenalty(MAX_NEW, 2, 0.5)), false, 1.0),
        GRADER, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      RolloutResult result = step.collect(policy, Optional.empty(), prompts(), 9, NO_KL, false, scope);
      // every completion uses the whole budget: penalty -0.5; the constant group's reward 7 becomes 6.5
      assertEquals(2, result.groups().get(1).samples().size(), "group size 2");
      for (Sample s : result.groups().get(1).samples()) {
        assertEquals(6.5, s.reward(), 1e-12);
        assertEquals(7.0, s.score(), 0.0);
        assertTrue(s.passed());
      }
      PolicyGradientBatch batch = result.batch().orElseThrow();
      assertTrue(batch.refLogProbs().isEmpty());
      assertTrue(batch.oldLogProbs().isEmpty(), "one update right after sampling needs no stored log-probs");
    }
  }

  @Test
  void truncatedCompletionsLeaveTheLossWhenMasked() {
    // no EOS stop: every completion runs into the budget, so every one is truncated
    RolloutStep<Integer> masked = new RolloutStep<>(
        config(2, GroupFilter.KEEP_ALL, Optional.empty(), true, 1.0), GRADER, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      RolloutResult result = masked.collect(policy, Optional.empty(), prompts(), 3, NO_KL, false, scope);
      assertEquals(1.0, result.stats().clippedRatio(), 0.0);
      PolicyGradientBatch batch = result.batch().orElseThrow();
      assertEquals(0f, batch.lossMask().sum().getFloat(), 0f);
      assertEquals(0.0, batch.weight(new GlobalTokenMeanLoss()), 0.0);
      // the rewards still count: advantages are not all zero
      assertTrue(batch.advantages().abs().sum().getFloat() > 0);
    }
  }

  @Test
  void oldLogProbsAreScoredAtTheSamplingTemperature() {
    double tau = 2.0;
    RolloutStep<Integer> step = new RolloutStep<>(
        config(2, GroupFilter.KEEP_ALL, Optional.empty(), false, tau), GRADER, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      PolicyGradientBatch batch =
          step.collect(policy, Optional.empty(), prompts(), 4, NO_KL, true, scope).batch().orElseThrow();
      assertEquals(tau, batch.temperature(), 0.0);
      float[] stored = batch.oldLogProbs().orElseThrow().toFloatArray();
      float[] atTau = TokenLogProbs.score(policy, batch.sequences(), scope,
          ScoreOptions.at(tau, ScoreOptions.Entropy.NONE)).logProbs().perToken().toFloatArray();
      float[] atOne = TokenLogProbs.compute(policy, batch.sequences(), scope).perToken().toFloatArray();
      assertArrayEquals(atTau, stored, 0f);
      assertNotEquals(java.util.Arrays.toString(atOne), java.util.Arrays.toString(stored));
    }
  }

  @Test
  void aBatchSurvivesEncodingBitForBit() {
    PolicyLossConfig klInReward = new PolicyLossConfig(
        new GlobalTokenMeanLoss(), 0.2, 0.28, 0, 0.1, KlEstimator.K1, KlPlacement.REWARD, 0);
    RolloutStep<Integer> step = new RolloutStep<>(
        config(4, GroupFilter.KEEP_ALL, Optional.empty(), false, 1.0), GRADER, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager()) {
      PolicyGradientBatch batch =
          step.collect(policy, Optional.of(ReferenceModel.of(policy)), prompts(), 7, WITH_KL, true, scope).batch().orElseThrow();
      PolicyGradientBatch back = PolicyGradientBatch.decode(batch.encode(), scope);
      assertArrayEquals(batch.oldLogProbs().orElseThrow().toFloatArray(),
          back.oldLogProbs().orElseThrow().toFloatArray(), 0f);
      assertArrayEquals(batch.refLogProbs().orElseThrow().toFloatArray(),
          back.refLogProbs().orElseThrow().toFloatArray(), 0f);
      assertArrayEquals(batch.advantages().toFloatArray(), back.advantages().toFloatArray(), 0f);
      assertArrayEquals(batch.lossMask().toFloatArray(), back.lossMask().toFloatArray(), 0f);
      assertTrue(java.util.Arrays.deepEquals(batch.sequences().tokens(), back.sequences().tokens()));
      assertEquals(batch.temperature(), back.temperature(), 0.0);
      // the KL in the reward needs the reference only at sampling time: the batch carries no reference log-probs
      PolicyGradientBatch rewardKl =
          step.collect(policy, Optional.of(ReferenceModel.of(policy)), prompts(), 7, klInReward, false, scope).batch().orElseThrow();
      assertTrue(rewardKl.refLogProbs().isEmpty() && rewardKl.oldLogProbs().isEmpty());
      assertTrue(PolicyGradientBatch.decode(rewardKl.encode(), scope).oldLogProbs().isEmpty());
    }
  }

  @Test
  void reinforcePlusPlusWithTheKlInTheRewardGivesWhitenedPerTokenAdvantages() {
    PolicyLossConfig klInReward = new PolicyLossConfig(
        new GlobalTokenMeanLoss(), 0.2, 0.28, 0, 0.1, KlEstimator.K1, KlPlacement.REWARD, 0);
    RolloutStep<Integer> step = new RolloutStep<>(config(2, GroupFilter.KEEP_ALL, Optional.empty(), false, 1.0),
        GRADER, dev.align4j.rollouts.advantage.ReinforcePlusPlusAdvantage.standard());
    try (NDManager scope = policy.manager().newSubManager()) {
      // a reference other than the policy, so that the KL penalty is not zero
      try (LlamaModel reference = LlamaModel.randomInit(LlamaConfig.small(16, 32, 64, 2, 4, 2), 4, LoadOptions.cpu())) {
        PolicyGradientBatch batch =
            step.collect(policy, Optional.of(ReferenceModel.of(reference)), prompts(), 11, klInReward, false, scope).batch().orElseThrow();
        NDArray adv = batch.advantages();
        assertEquals(batch.lossMask().getShape(), adv.getShape(), "one advantage per token");
        NDArray m = batch.lossMask();
        double n = m.sum().getFloat();
        double mean = adv.mul(m).sum().getFloat() / n;
        double var = adv.sub((float) mean).square().mul(m).sum().getFloat() / (n - 1);
        // whitened over the batch's completion tokens (verl masked_whiten): mean 0, unbiased variance 1
        assertEquals(0.0, mean, 1e-5);
        assertEquals(1.0, var, 1e-4);
        assertEquals(0f, adv.mul(m.sub(1)).abs().max().getFloat(), 0f, "zero off the completion");
      }
    }
  }

  @Test
  void theKlInTheRewardIsLoggedAsVerlsRewardKlPenalty() {
    PolicyLossConfig klInReward = new PolicyLossConfig(
        new GlobalTokenMeanLoss(), 0.2, 0.28, 0, 0.1, KlEstimator.K1, KlPlacement.REWARD, 0);
    RolloutStep<Integer> step = new RolloutStep<>(config(3, GroupFilter.KEEP_ALL, Optional.empty(), false, 1.0),
        GRADER, new RlooAdvantage());
    try (NDManager scope = policy.manager().newSubManager();
        LlamaModel reference = LlamaModel.randomInit(LlamaConfig.small(16, 32, 64, 2, 4, 2), 4, LoadOptions.cpu())) {
      List<SampledGroup<Integer>> groups = step.sample(policy, prompts(), 13);
      GenerationBatch built =
          step.build(policy, Optional.of(ReferenceModel.of(reference)), groups, 3, false, klInReward, scope);
      PolicyGradientBatch batch = built.microBatches().get(0);
      // independently: each completion's mean of log π_old − log π_ref (k1) over its tokens, then the batch mean
      ScoreOptions plain = ScoreOptions.at(1.0, ScoreOptions.Entropy.NONE);
      float[][] old = rows(TokenLogProbs.score(policy, batch.sequences(), scope, plain).logProbs().perToken());
      float[][] ref = rows(TokenLogProbs.score(reference, batch.sequences(), scope, plain).logProbs().perToken());
      float[][] mask = rows(batch.lossMask());
      double total = 0;
      for (int b = 0; b < mask.length; b++) {
        double sum = 0;
        int n = 0;
        for (int t = 0; t < mask[b].length; t++) {
          if (mask[b][t] > 0) {
            sum += old[b][t] - ref[b][t];
            n++;
          }
        }
        assertTrue(n > 0);
        total += sum / n;
      }
      double expected = total / mask.length;
      assertTrue(Math.abs(expected) > 1e-3, "a different reference gives a KL: " + expected);
      assertEquals(expected, built.metrics().get("reward_kl_penalty"), 1e-5 * Math.max(1, Math.abs(expected)));
      assertEquals(0.1, built.metrics().get("reward_kl_penalty_coeff"), 0.0);
      // with the KL in the loss, building logs nothing
      assertTrue(step.build(policy, Optional.of(ReferenceModel.of(reference)), groups, 3, false, WITH_KL, scope)
          .metrics().isEmpty());
    }
  }

  private static float[][] rows(NDArray a) {
    int b = (int) a.getShape().get(0);
    int t = (int) a.getShape().get(1);
    float[] flat = a.toFloatArray();
    float[][] out = new float[b][t];
    for (int i = 0; i < b; i++) {
      System.arraycopy(flat, i * t, out[i], 0, t);
    }
    return out;
  }
}
