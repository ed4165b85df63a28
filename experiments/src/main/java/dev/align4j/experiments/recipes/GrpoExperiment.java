package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.align4j.core.BadInputException;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.Require;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.OptionalBlock;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.RlPrompt;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.lora.ReferenceModel;
import dev.align4j.policies.text.GenerationPrompt;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.RewardConfig;
import dev.align4j.rollouts.GroupFilter;
import dev.align4j.rollouts.OverlongPenalty;
import dev.align4j.rollouts.Prompt;
import dev.align4j.rollouts.RolloutConfig;
import dev.align4j.rollouts.RolloutStep;
import dev.align4j.rollouts.TextReward;
import dev.align4j.rollouts.advantage.AdvantageEstimator;
import dev.align4j.rollouts.loss.ClippedPolicyLoss;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RL from verifiable rewards: GRPO (Shao et al. arXiv:2402.03300, as in Tulu 3's RLVR), DAPO (arXiv:2503.14476),
 * Dr. GRPO, RLOO and REINFORCE++ by configuration. Each generation samples {@code rollout.group_size} completions
 * for each of {@code mini_batches × gradient_accumulation_steps × per_device_batch_size} prompts, grades them with
 * the configured reward (shaped scalar and pass/fail kept apart; DAPO's dynamic sampling refills the batch on
 * pass/fail), turns rewards into advantages, and feeds {@code num_iterations × mini_batches} clipped policy-gradient
 * updates ({@link RolloutPlanner}). Writes the trained model to {@code RUN_DIR/final}. docs/RL.md maps every knob to
 * TRL's and verl's names.
 */
public final class GrpoExperiment implements Experiment<GrpoExperiment.Config> {

  /**
   * @param model HF model folder to start from; also the KL reference
   * @param trainFile prompt JSONL ({@code {"id","prompt"}} plus the reward's reference fields)
   * @param chatTemplate {@code model} (the model folder's own template), a registered name ({@code tulu},
   *     {@code llama3}, {@code chatml}) or a {@code .jinja} file
   * @param steps optimizer updates, ≥ 1
   * @param reward e.g. {@code {"type": "math", "scale": 10.0}}
   * @param rollout sampling, shaping and reuse of each generation
   * @param advantage e.g. {@code {"type": "grpo", "epsilon": 1e-6}}
   * @param policyLoss loss type, clipping, KL and entropy settings
   * @param training optimizer, schedule, prompts per micro-batch and accumulation, checkpointing, seed
   * @param device {@code cpu}, {@code gpu} or {@code gpu:N} for every model of the run (default cpu)
   * @param dtype {@code fp32}, {@code bf16} or {@code fp16} (default fp32; bf16/fp16 only on a GPU)
   * @param gradientCheckpointing recompute each decoder layer's activations in the backward pass (default false)
   * @param lora {@code "none"} (default: full fine-tuning) or LoRA adapters ({@link LoraSettings}); the KL
   *     reference is then the policy's base with the adapters off
   * @param lisa {@code "none"} (default) or LISA's layer sampling ({@link LisaSettings}); not with lora
   */
  public record Config(
      @JsonProperty("model") Path model,
      @JsonProperty("train_file") Path trainFile,
      @JsonProperty("chat_template") String chatTemplate,
      @JsonProperty("steps") int steps,
      @JsonProperty("reward") RewardConfig reward,
      @JsonProperty("rollout") Rollout rollout,
      @JsonProperty("advantage") AdvantageEstimator advantage,
      @JsonProperty("policy_loss") PolicyLossConfig policyLoss,
      @JsonProperty("training") TrainingConfig training,
      @JsonProperty(value = "device", defaultValue = "\"cpu\"") String device,
      @JsonProperty(value = "dtype", defaultValue = "\"fp32\"") String dtype,
      @JsonProperty(value = "gradient_checkpointing", defaultValue = "false") boolean gradientCheckpointing,
      @JsonProperty(value = "lora", defaultValue = "\"none\"") @JsonDeserialize(using = OptionalBlock.Reader.class)
      @JsonSerialize(using = OptionalBlock.Writer.class) Optional<LoraSettings> lora,
      @JsonProperty(value = "lisa", defaultValue = "\"none\"") @JsonDeserialize(using = OptionalBlock.Reader.class)
      @JsonSerialize(using = OptionalBlock.Writer.class) Optional<LisaSettings> lisa) {
    public Config {
      Recipes.requireTemplate(chatTemplate);
      Recipes.atLeast("steps", steps, 1);
      ModelSetup.of(device, dtype, gradientCheckpointing, lora, lisa);
      if (reward == null) {
        throw new InvalidConfigException("reward", "must be given, e.g. {\"type\": \"math\", \"scale\": 10.0}");
      }
      if (rollout == null || advantage == null || policyLoss == null || training == null) {
        throw new IllegalArgumentException("rollout, advantage, policy_loss and training must all be given");
      }
      if (rollout.groupSize() < advantage.minGroupSize()) {
        throw new InvalidConfigException("rollout.group_size", "must be >= " + advantage.minGroupSize()
            + " for this advantage estimator (got " + rollout.groupSize() + ")");
      }
    }

    /** Defaults for the model fields: cpu, fp32, no gradient checkpointing, no LoRA, no LISA. */
    public Config(Path model, Path trainFile, String chatTemplate, int steps, RewardConfig reward, Rollout rollout,
        AdvantageEstimator advantage, PolicyLossConfig policyLoss, TrainingConfig training) {
      this(model, trainFile, chatTemplate, steps, reward, rollout, advantage, policyLoss, training,
          "cpu", "fp32", false, Optional.empty(), Optional.empty());
    }

    /** The device, dtype, checkpointing, LoRA and LISA fields as one {@link ModelSetup}. */
    public ModelSetup setup() {
      return ModelSetup.of(device, dtype, gradientCheckpointing, lora, lisa);
    }
  }

  /**
   * How each generation is sampled, shaped and reused.
   *
   * @param groupSize completions per prompt, ≥ 2 (TRL {@code num_generations}, verl {@code rollout.n})
   * @param maxNewTokens generation budget per completion, ≥ 1 (TRL {@code max_completion_length})
   * @param temperature sampling temperature, in (0, 10]
   * @param scoreAtTemperature whether log-probs are computed from {@code logits / temperature} like the sampler's
   *     distribution (TRL and verl always do)
   * @param numIterations μ, passes over each generation, ≥ 1 (TRL {@code num_iterations}, verl {@code ppo_epochs})
   * @param miniBatches updates one generation feeds per pass, ≥ 1 (TRL {@code steps_per_generation /
   *     gradient_accumulation_steps}; verl {@code train_batch_size / ppo_mini_batch_size})
   * @param maskTruncatedCompletions leave completions that hit the budget without EOS out of the loss
   * @param overlongBuffer DAPO's soft overlong punishment
   * @param dynamicSampling DAPO's dynamic sampling
   * @param rewardWorkers threads grading a generation's completions at once, ≥ 1 (default 1; verl's reward
   *     workers): code rewards run every completion's tests in a sandbox of its own, so grading is often the slow
   *     part of a step. More than one needs a thread-safe reward; every built-in one is. Results do not depend
   *     on it.
   */
  public record Rollout(
      @JsonProperty("group_size") int groupSize,
      @JsonProperty("max_new_tokens") int maxNewTokens,
      @JsonProperty("temperature") double temperature,
      @JsonProperty("score_at_temperature") boolean scoreAtTemperature,
      @JsonProperty("num_iterations") int numIterations,
      @JsonProperty("mini_batches") int miniBatches,
      @JsonProperty("mask_truncated_completions") boolean maskTruncatedCompletions,
      @JsonProperty("overlong_buffer") OverlongBuffer overlongBuffer,
      @JsonProperty("dynamic_sampling") DynamicSamplingConfig dynamicSampling,
      @JsonProperty(value = "reward_workers", defaultValue = "1") int rewardWorkers) {
    public Rollout {
      Recipes.atLeast("group_size", groupSize, 2);
      Recipes.atLeast("max_new_tokens", maxNewTokens, 1);
      Require.inOpenClosed("temperature", temperature, 0, 10, "");
      Recipes.atLeast("num_iterations", numIterations, 1);
      Recipes.atLeast("mini_batches", miniBatches, 1);
      Recipes.atLeast("reward_workers", rewardWorkers, 1);
      if (rewardWorkers > 256) {
        throw new InvalidConfigException("reward_workers", "must be <= 256, got " + rewardWorkers);
      }
      if (overlongBuffer == null || dynamicSampling == null) {
        throw new IllegalArgumentException("overlong_buffer and dynamic_sampling must be given");
      }
      if (overlongBuffer.enable() && overlongBuffer.length() > maxNewTokens) {
        throw new InvalidConfigException("overlong_buffer.length", "must be <= max_new_tokens = " + maxNewTokens
            + " (got " + overlongBuffer.length() + ")");
      }
    }

    /** Grading on one thread ({@code reward_workers} 1). */
    public Rollout(int groupSize, int maxNewTokens, double temperature, boolean scoreAtTemperature,
        int numIterations, int miniBatches, boolean maskTruncatedCompletions, OverlongBuffer overlongBuffer,
        DynamicSamplingConfig dynamicSampling) {
      this(groupSize, maxNewTokens, temperature, scoreAtTemperature, numIterations, miniBatches,
          maskTruncatedCompletions, overlongBuffer, dynamicSampling, 1);
    }
  }

  /**
   * DAPO's soft overlong punishment (eq. 13) with {@code L_max = max_new_tokens}: 0 up to
   * {@code L_max - length} tokens, then falling linearly to {@code -penalty_factor} at {@code L_max} (verl
   * {@code reward_model.overlong_buffer.{enable, len, penalty_factor}}).
   *
   * @param enable whether the penalty is added to the rewards
   * @param length L_cache, the soft zone in tokens, ≥ 1
   * @param penaltyFactor the penalty at the budget, ≥ 0
   */
  public record OverlongBuffer(
      @JsonProperty("enable") boolean enable,
      @JsonProperty("length") int length,
      @JsonProperty("penalty_factor") double penaltyFactor) {
    public OverlongBuffer {
      Recipes.atLeast("length", length, 1);
      Require.nonNegative("penalty_factor", penaltyFactor);
    }
  }

  /**
   * DAPO's dynamic sampling (verl {@code algorithm.filter_groups} with {@code metric: acc}): groups whose completions
   * all pass or all fail the verifier are dropped and more prompts are sampled until the batch is full, in at most
   * {@code max_rounds} generation rounds (then the run stops with an error, as verl does).
   *
   * @param enable whether groups are filtered
   * @param maxRounds generation rounds a batch may take, ≥ 1 (verl {@code max_num_gen_batches})
   */
  public record DynamicSamplingConfig(
      @JsonProperty("enable") boolean enable, @JsonProperty("max_rounds") int maxRounds) {
    public DynamicSamplingConfig {
      Recipes.atLeast("max_rounds", maxRounds, 1);
    }
  }

  @Override
  public String name() {
    return "grpo";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public List<Path> dataFiles(Config c) {
    return List.of(c.trainFile());
  }

  /**
   * Before the run directory exists: the model folder, the prompt file read with the reward's reference fields and
   * large enough for one generation, and one generation call (group_size × per_device_batch_size sequences) fitting
   * the model's positions and memory.
   */
  @Override
  public void validate(Config c) {
    LlamaConfig model = Recipes.requireModel("model", c.model());
    c.setup().validate(model);
    try (Reward<?> reward = c.reward().create()) {
      requireOneGeneration(c, Recipes.nonEmpty(c.trainFile(), RlPrompt.readJsonl(c.trainFile(), reward)));
    }
    Recipes.rolloutsFit("rollout.group_size", "rollout.group_size × training.per_device_batch_size",
        "rollout.max_new_tokens", model, (long) c.rollout().groupSize() * c.training().perDeviceBatchSize(),
        c.rollout().maxNewTokens());
  }

  private static void requireOneGeneration(Config c, List<?> data) {
    int perGeneration = c.training().effectiveBatchSize() * c.rollout().miniBatches();
    if (data.size() < perGeneration) {
      throw new BadInputException(c.trainFile(), 0, null, "has " + data.size() + " prompts but one generation needs "
          + perGeneration + " (mini_batches × gradient_accumulation_steps × per_device_batch_size)");
    }
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    try (Reward<?> reward = c.reward().create()) {
      runWith(c, ctx, reward);
    }
  }

  private static <R> void runWith(Config c, RunContext ctx, Reward<R> reward) throws Exception {
    List<RlPrompt<R>> data = RlPrompt.readJsonl(c.trainFile(), reward); // checked before any model is loaded
    requireOneGeneration(c, data);
    Rollout r = c.rollout();
    try (PolicyModel policy = c.setup().loadPolicy(ctx, c.model(), c.chatTemplate(), c.training().seed());
        ReferenceHolder reference = ReferenceHolder.load(c.policyLoss().needsReference(), policy, c.model())) {
      List<Prompt<R>> prompts = new ArrayList<>();
      for (RlPrompt<R> p : data) {
        prompts.add(new Prompt<>(p.id(), policy.encoder().encode(p.prompt(), GenerationPrompt.ADD).ids(),
            p.reference()));
      }
      ctx.note("grpo: " + prompts.size() + " prompts, " + r.groupSize() + " samples each, "
          + r.numIterations() + " iteration(s) × " + r.miniBatches() + " update(s) per generation");
      RolloutConfig rolloutConfig = new RolloutConfig(r.groupSize(),
          new GenerationConfig(r.maxNewTokens(), r.temperature(), 1.0, 0, true),
          r.dynamicSampling().enable() ? GroupFilter.MIXED_CORRECTNESS : GroupFilter.KEEP_ALL,
          r.overlongBuffer().enable()
              ? Optional.of(new OverlongPenalty(r.maxNewTokens(), r.overlongBuffer().length(),
                  r.overlongBuffer().penaltyFactor()))
              : Optional.empty(),
          r.maskTruncatedCompletions(), r.scoreAtTemperature());
      RolloutStep<R> rollouts = new RolloutStep<>(rolloutConfig, new TextReward<>(reward, decoder(policy.tokenizer())),
          c.advantage(), r.rewardWorkers());
      RolloutPlanner.Shape shape = new RolloutPlanner.Shape(c.training().perDeviceBatchSize(),
          c.training().gradientAccumulationSteps(), r.miniBatches(), r.numIterations(),
          r.dynamicSampling().enable() ? r.dynamicSampling().maxRounds() : 1);
      try (RolloutPlanner<R> planner = new RolloutPlanner<>(policy.model(), reference.model(), rollouts, prompts,
              shape, c.policyLoss());
          Trainer trainer = policy.trainer(ctx, "grpo", c.training(), c.steps())) {
        Trainer.Outcome outcome =
            trainer.train(planner, new PolicyGradientStep(policy.model(), new ClippedPolicyLoss(c.policyLoss())));
        if (outcome.finished()) {
          policy.saveFinal(c.model(), ctx.dir().resolve("final"));
        }
      }
    }
  }

  /** Completion tokens to the text rewards read (special tokens such as EOS skipped). */
  static dev.align4j.rollouts.TokenDecoder decoder(Tokenizer tokenizer) {
    return ids -> tokenizer.decode(ids, Tokenizer.SpecialTokenText.SKIP);
  }

  /** The frozen KL reference ({@link PolicyModel#reference}), only when the loss or the reward uses one. */
  record ReferenceHolder(Optional<ReferenceModel> model) implements AutoCloseable {
    static ReferenceHolder load(boolean needed, PolicyModel policy, Path folder) {
      return new ReferenceHolder(needed ? Optional.of(policy.reference(folder)) : Optional.empty());
    }

    @Override
    public void close() {
      model.ifPresent(ReferenceModel::close);
    }
  }
}
