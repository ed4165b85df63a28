package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.run.StepPlan;
import dev.align4j.experiments.run.StepPlanner;
import dev.align4j.experiments.train.RunRandom;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.rollouts.PolicyGradientBatch;
import dev.align4j.rollouts.Prompt;
import dev.align4j.rollouts.RolloutResult;
import dev.align4j.rollouts.RolloutStep;
import dev.align4j.rollouts.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans a GRPO update: draws {@code per_device_batch_size × gradient_accumulation_steps} distinct prompts with
 * the run's generator, and for each micro-batch of {@code per_device_batch_size} prompts samples and scores a
 * rollout (its sampling seed also drawn from the run's generator, so a resumed run samples the same). Each
 * micro-batch holds whole groups, so group advantages are exact. The rollout arrays live in a manager this
 * planner owns until the next update is planned. The reference's per-token log-probs (GRPO's KL term) are scored
 * here, after the rollout, through the {@link ReferenceModel} (under LoRA: the policy's base with the adapters off).
 */
public final class RolloutPlanner implements StepPlanner<PolicyGradientBatch>, AutoCloseable {
  private final LlamaModel policy;
  private final Optional<ReferenceModel> reference;
  private final RolloutStep<String> rollouts;
  private final List<Prompt<String>> prompts;
  private final TrainingConfig training;
  private NDManager current;

  public RolloutPlanner(LlamaModel policy, Optional<ReferenceModel> reference, RolloutStep<String> rollouts,
      List<Prompt<String>> prompts, TrainingConfig training) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("train_file has no prompts");
    }
    this.policy = policy;
    this.reference = reference;
    this.rollouts = rollouts;
    this.prompts = prompts;
    this.training = training;
    this.current = policy.manager().newSubManager();
  }

  @Override
  public StepPlan<PolicyGradientBatch> plan(long step, RunRandom rng) {
    current.close();
    current = policy.manager().newSubManager();
    int[] order = rng.permutation(prompts.size());
    int wanted = Math.min(prompts.size(), training.effectiveBatchSize());
    List<PolicyGradientBatch> micro = new ArrayList<>();
    List<Double> rewards = new ArrayList<>();
    double lengthSum = 0;
    for (int from = 0; from < wanted; from += training.perDeviceBatchSize()) {
      List<Prompt<String>> chunk = new ArrayList<>();
      for (int i = from; i < Math.min(wanted, from + training.perDeviceBatchSize()); i++) {
        chunk.add(prompts.get(order[i]));
      }
      RolloutResult r = rollouts.collect(policy, Optional.empty(), chunk, rng.nextLong(), current);
      r.batch().map(this::withReference).ifPresent(micro::add);
      for (Sample s : r.samples()) {
        rewards.add(s.reward());
        lengthSum += s.completionTokens().length;
      }
    }
    if (micro.isEmpty()) {
      throw new IllegalStateException("every rollout group of update " + (step + 1) + " was filtered out");
    }
    double mean = rewards.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double var = rewards.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum() / Math.max(1, rewards.size() - 1);
    // insertion-ordered: Map.of iterates in a per-JVM random order, which made metrics.jsonl lines differ between runs
    Map<String, Double> metrics = new java.util.LinkedHashMap<>();
    metrics.put("reward/mean", mean);
    metrics.put("reward/std", Math.sqrt(var));
    metrics.put("completion_length", lengthSum / rewards.size());
    return new StepPlan<>(micro, (double) (step + 1) * wanted / prompts.size(), metrics);
  }

  /** The batch with the reference's per-token log-probs [B, T-1] (scored without gradient), when there is one. */
  private PolicyGradientBatch withReference(PolicyGradientBatch b) {
    if (reference.isEmpty()) {
      return b;
    }
    NDArray ref = reference.get().apply(model ->
        TokenLogProbs.compute(model, b.sequences(), current).perToken().stopGradient()); // [B, T-1]
    return new PolicyGradientBatch(b.sequences(), b.completionMask(), b.oldLogProbs(), Optional.of(ref),
        b.advantages());
  }

  @Override
  public void close() {
    current.close();
  }
}
