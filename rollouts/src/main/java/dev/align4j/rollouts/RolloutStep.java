package dev.align4j.rollouts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.lora.ReferenceModel;
import dev.align4j.policies.score.ScoreOptions;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.rewards.Graded;
import dev.align4j.rollouts.advantage.AdvantageEstimator;
import dev.align4j.rollouts.advantage.TokenRewards;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * On-policy rollouts, read top to bottom. {@link #sample}: G completions per prompt with the KV-cache generator,
 * each graded (shaped reward plus pass/fail, plus DAPO's overlong penalty when configured). {@link #build}: the kept
 * groups become one padded batch; the sampling policy's log-probs (when the batch is reused) and the reference's
 * (when there is a KL term) are computed once, without gradient, at the scoring temperature; the KL penalty goes
 * into the rewards when it is placed there; advantages are estimated over the whole batch; the batch is split into
 * micro-batches of whole groups. The result feeds {@link dev.align4j.rollouts.loss.ClippedPolicyLoss} for one or
 * more updates, as in TRL's {@code GRPOTrainer} and verl's PPO/GRPO trainers.
 *
 * @param <R> the prompts' reference type (e.g. the gold answer of a math problem)
 */
public final class RolloutStep<R> {
  private static final int PAD_ID = 0;

  private final RolloutConfig config;
  private final Grader<R> grader;
  private final AdvantageEstimator estimator;
  private final int gradingWorkers;

  /** Grades completions one at a time, on the calling thread. */
  public RolloutStep(RolloutConfig config, Grader<R> grader, AdvantageEstimator estimator) {
    this(config, grader, estimator, 1);
  }

  /**
   * @param gradingWorkers threads that grade a generation's completions concurrently, ≥ 1 (verl's reward workers;
   *     a code reward runs each completion's tests in its own sandbox, so grading is often the slow part of a
   *     step). With more than one the grader must be thread-safe, as every built-in reward is. The results do not
   *     depend on the count: each completion's grade goes to its own slot.
   */
  public RolloutStep(RolloutConfig config, Grader<R> grader, AdvantageEstimator estimator, int gradingWorkers) {
    this.config = Objects.requireNonNull(config, "config");
    this.grader = Objects.requireNonNull(grader, "grader");
    this.estimator = Objects.requireNonNull(estimator, "estimator");
    if (gradingWorkers < 1) {
      throw new IllegalArgumentException("gradingWorkers must be >= 1, got " + gradingWorkers);
    }
    this.gradingWorkers = gradingWorkers;
    if (config.groupSize() < estimator.minGroupSize()) {
      throw new IllegalArgumentException("groupSize must be >= " + estimator.minGroupSize() + " for "
          + estimator + ", got " + config.groupSize());
    }
  }

  public RolloutConfig config() {
    return config;
  }

  /** Samples and grades G completions for each prompt (one generation round) with the sampling seed {@code seed}. */
  public List<SampledGroup<R>> sample(LlamaModel policy, List<Prompt<R>> prompts, long seed) {
    int g = config.groupSize();
    List<int[]> promptTokens = prompts.stream().map(Prompt::tokens).toList();
    List<List<int[]>> completions = GroupSampler.sample(policy, promptTokens, g, config.generationWithSeed(seed));
    Set<Integer> eos = new HashSet<>(policy.config().eosTokenIds());
    Graded[][] grades = grade(promptTokens, completions, prompts);
    List<SampledGroup<R>> out = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      List<Sample> samples = new ArrayList<>(g);
      for (int j = 0; j < completions.get(i).size(); j++) {
        int[] completion = completions.get(i).get(j);
        Graded graded = grades[i][j];
        double penalty = config.overlongPenalty().map(p -> p.penalty(completion.length)).orElse(0.0);
        boolean truncated = completion.length == 0 || !eos.contains(completion[completion.length - 1]);
        samples.add(new Sample(completion, graded.reward(), graded.reward() + penalty, graded.passed(), truncated));
      }
      out.add(new SampledGroup<>(prompts.get(i), samples));
    }
    return out;
  }

  /** Every completion's grade, {@code [prompt][sample]}, on {@link #gradingWorkers} threads. */
  private Graded[][] grade(List<int[]> promptTokens, List<List<int[]>> completions, List<Prompt<R>> prompts) {
    Graded[][] grades = new Graded[prompts.size()][];
    List<java.util.concurrent.Callable<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      grades[i] = new Graded[completions.get(i).size()];
      for (int j = 0; j < grades[i].length; j++) {
        int pi = i;
        int sj = j;
        tasks.add(() -> {
          grades[pi][sj] = Objects.requireNonNull(
              grader.grade(promptTokens.get(pi), completions.get(pi).get(sj), prompts.get(pi).reference()),
              "the grader returned null");
          return null;
        });
      }
    }
    if (gradingWorkers == 1 || tasks.size() <= 1) {
      for (java.util.concurrent.Callable<Void> t : tasks) {
        try {
          t.call();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return grades;
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        Math.min(gradingWorkers, tasks.size()), r -> {
          Thread t = new Thread(r, "align4j-grader");
          t.setDaemon(true);
          return t;
        });
    try {
      for (java.util.concurrent.Future<Void> f : pool.invokeAll(tasks)) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException("grading failed", cause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while grading", e);
    } finally {
      pool.shutdownNow();
    }
    return grades;
  }

  /**
   * Turns groups into micro-batches of {@code groupsPerMicroBatch} groups (the last may hold fewer).
   *
   * @param policy the sampling policy (old log-probs come from it)
   * @param reference the frozen reference (under LoRA the policy's base with the adapters off while it scores);
   *     needed when {@code loss} has a KL term
   * @param groups the batch's groups, in order
   * @param storeOldLogProbs whether to store the sampling policy's log-probs (needed when the batch feeds more than
   *     one update, or for a KL penalty in the reward)
   * @param loss the loss settings: the KL weight, estimator and placement
   * @param manager owns every array of the result (use a sub-manager of the policy's manager; close it when the
   *     batch is no longer used)
   */
  public GenerationBatch build(LlamaModel policy, Optional<ReferenceModel> reference, List<SampledGroup<R>> groups,
      int groupsPerMicroBatch, boolean storeOldLogProbs, PolicyLossConfig loss, NDManager manager) {
    if (groups.isEmpty() || groupsPerMicroBatch < 1) {
      throw new IllegalArgumentException("need at least one group and groupsPerMicroBatch >= 1");
    }
    if (loss.needsReference() && reference.isEmpty()) {
      throw new IllegalArgumentException("a reference model is needed for kl_beta = " + loss.klBeta());
    }
    int g = config.groupSize();
    List<int[]> sequences = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    List<Boolean> truncated = new ArrayList<>();
    double[][] rewards = new double[groups.size()][];
    for (int i = 0; i < groups.size(); i++) {
      SampledGroup<R> group = groups.get(i);
      if (group.samples().size() != g) {
        throw new IllegalArgumentException("group " + i + " has " + group.samples().size() + " samples, not " + g);
      }
      int[] prompt = group.prompt().tokens();
      for (Sample s : group.samples()) {
        sequences.add(GroupSampler.concat(prompt, s.completionTokens()));
        starts.add(prompt.length);
        truncated.add(s.truncated());
      }
      rewards[i] = group.rewards();
    }
    SequenceBatch all = SequenceBatch.rightPadded(
        sequences, starts.stream().mapToInt(Integer::intValue).toArray(), PAD_ID);
    int rowsPerMicro = groupsPerMicroBatch * g;
    boolean needOld = storeOldLogProbs || loss.klInReward();
    Optional<NDArray> old = needOld ? Optional.of(score(policy, all, rowsPerMicro, manager)) : Optional.empty();
    Optional<NDArray> ref = loss.needsReference()
        ? Optional.of(reference.orElseThrow().apply(model -> score(model, all, rowsPerMicro, manager)))
        : Optional.empty();
    NDArray completionMask = manager.create(all.completionMask()).get(":, 1:").toType(DataType.FLOAT32, false);
    boolean[] cut = new boolean[truncated.size()];
    for (int b = 0; b < cut.length; b++) {
      cut[b] = truncated.get(b);
    }
    NDArray lossMask = lossMask(completionMask, cut, config.maskTruncatedCompletions()); // [B, T-1]
    NDArray scores = manager.create(rewards).toType(DataType.FLOAT32, false); // [N, G]
    Optional<NDArray> rewardKl = loss.klInReward()
        ? Optional.of(loss.klEstimator().perToken(old.orElseThrow(), ref.orElseThrow())) // [B, T]
        : Optional.empty();
    TokenRewards tokenRewards = rewardKl
        .map(kl -> TokenRewards.withKlPenalty(scores, kl, completionMask, loss.klBeta()))
        .orElseGet(() -> TokenRewards.outcome(scores, completionMask));
    java.util.Map<String, Double> metrics = rewardKl
        .map(kl -> java.util.Map.of("reward_kl_penalty", TokenRewards.meanSequenceKl(kl, completionMask),
            "reward_kl_penalty_coeff", loss.klBeta()))
        .orElse(java.util.Map.of());
    NDArray advantages = estimator.estimate(tokenRewards); // [B] or [B, T-1]
    Optional<NDArray> oldForLoss = storeOldLogProbs ? old : Optional.empty();
    Optional<NDArray> refForLoss = loss.klInLoss() ? ref : Optional.empty();
    PolicyGradientBatch whole = new PolicyGradientBatch(
        all, lossMask, oldForLoss, refForLoss, advantages, config.scoringTemperature());
    List<PolicyGradientBatch> micro = new ArrayList<>();
    for (int from = 0; from < sequences.size(); from += rowsPerMicro) {
      micro.add(whole.rows(from, Math.min(sequences.size(), from + rowsPerMicro)));
    }
    return new GenerationBatch(micro, groups, metrics);
  }

  /**
   * The mask the loss counts: the completion mask {@code [B, T]}, with every token of a truncated completion zeroed
   * when {@code maskTruncated} is on (TRL's {@code mask_truncated_completions}).
   */
  public static NDArray lossMask(NDArray completionMask, boolean[] truncated, boolean maskTruncated) {
    if (!maskTruncated) {
      return completionMask;
    }
    double[] keep = new double[truncated.length];
    for (int b = 0; b < keep.length; b++) {
      keep[b] = truncated[b] ? 0 : 1;
    }
    NDArray rows = completionMask.getManager().create(keep).toType(completionMask.getDataType(), false);
    return completionMask.mul(rows.expandDims(1));
  }

  /** Log-probs {@code [B, T-1]} of {@code batch} under {@code model}, no gradient, {@code rows} sequences at a time. */
  private NDArray score(LlamaModel model, SequenceBatch batch, int rows, NDManager manager) {
    NDList parts = new NDList();
    for (int from = 0; from < batch.batchSize(); from += rows) {
      int to = Math.min(batch.batchSize(), from + rows);
      SequenceBatch chunk = batch.rows(from, to);
      parts.add(TokenLogProbs.score(model, chunk, manager,
          ScoreOptions.at(config.scoringTemperature(), ScoreOptions.Entropy.NONE)).logProbs().perToken()
          .stopGradient());
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }

  /**
   * One round with the filter applied and no refill, as one micro-batch: the simple loop of one update per
   * rollout ({@code storeOldLogProbs} true keeps the sampling log-probs for later updates).
   *
   * @param policy the current policy (samples and old log-probs come from it)
   * @param reference the frozen reference for the KL term; empty when the loss has kl_beta 0
   * @param prompts the prompts of this step
   * @param seed sampling seed of this step (use a different one per step)
   * @param manager owns every array of the result; use a sub-manager of the policy's manager and close it after the
   *     training step
   */
  public RolloutResult collect(LlamaModel policy, Optional<ReferenceModel> reference, List<Prompt<R>> prompts, long seed,
      PolicyLossConfig loss, boolean storeOldLogProbs, NDManager manager) {
    List<SampledGroup<R>> groups = sample(policy, prompts, seed);
    List<SampledGroup<R>> kept = groups.stream().filter(config.groupFilter()::keeps).toList();
    GenerationStats stats = GenerationStats.of(groups, 1);
    List<SampledGroup<?>> all = new ArrayList<>(groups);
    if (kept.isEmpty()) {
      return new RolloutResult(Optional.empty(), all, stats);
    }
    GenerationBatch batch = build(policy, reference, kept, kept.size(), storeOldLogProbs, loss, manager);
    return new RolloutResult(Optional.of(batch.microBatches().get(0)), all, stats);
  }
}
