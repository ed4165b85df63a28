package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.OptionalBlock;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.MathPrompt;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.rewards.math.MathVerifier;
import dev.align4j.rollouts.Prompt;
import dev.align4j.rollouts.RewardFunction;
import dev.align4j.rollouts.RolloutConfig;
import dev.align4j.rollouts.RolloutStep;
import dev.align4j.rollouts.VerifierReward;
import dev.align4j.rollouts.advantage.AdvantageEstimator;
import dev.align4j.rollouts.loss.ClippedPolicyLoss;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RL from verifiable rewards (GRPO, Shao et al. arXiv:2402.03300, as in Tulu 3's RLVR): each update samples
 * {@code group_size} completions for each of {@code per_device_batch_size × gradient_accumulation_steps}
 * prompts, rewards them with the math verifier ({@code reward_scale} × 1 if correct, else 0), turns rewards into
 * group advantages and takes one clipped policy-gradient step with a KL penalty (β = {@code policy_loss.kl_beta})
 * to the starting model. Writes the trained model to {@code RUN_DIR/final}.
 */
public final class GrpoExperiment implements Experiment<GrpoExperiment.Config> {

  /**
   * @param model HF model folder to start from; also the KL reference
   * @param trainFile prompt JSONL ({@code {"id","prompt","gold"}})
   * @param chatTemplate {@code model} (the model folder's own template), a registered name ({@code tulu},
   *     {@code llama3}, {@code chatml}) or a {@code .jinja} file
   * @param steps optimizer updates, ≥ 1
   * @param groupSize completions per prompt, ≥ 2
   * @param maxNewTokens generation budget per completion, ≥ 1
   * @param temperature sampling temperature, &gt; 0
   * @param rewardScale reward of a correct answer (Tulu 3 uses 10), &gt; 0
   * @param advantage e.g. {@code {"type": "grpo", "epsilon": 1e-6}}
   * @param policyLoss clipping, aggregation and KL settings
   * @param training optimizer, schedule, prompts per micro-batch and accumulation, checkpointing, seed
   * @param device {@code cpu}, {@code gpu} or {@code gpu:N} for every model of the run (default cpu)
   * @param dtype {@code fp32}, {@code bf16} or {@code fp16} (default fp32; bf16/fp16 only on a GPU)
   * @param gradientCheckpointing recompute each decoder layer's activations in the backward pass (default false)
   * @param lora {@code "none"} (default: full fine-tuning) or LoRA adapters ({@link LoraSettings})
   * @param lisa {@code "none"} (default) or LISA's layer sampling ({@link LisaSettings}); not with lora
   */
  public record Config(
      @JsonProperty("model") Path model,
      @JsonProperty("train_file") Path trainFile,
      @JsonProperty("chat_template") String chatTemplate,
      @JsonProperty("steps") int steps,
      @JsonProperty("group_size") int groupSize,
      @JsonProperty("max_new_tokens") int maxNewTokens,
      @JsonProperty("temperature") double temperature,
      @JsonProperty("reward_scale") double rewardScale,
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
      Recipes.atLeast("group_size", groupSize, 2);
      Recipes.atLeast("max_new_tokens", maxNewTokens, 1);
      ModelSetup.of(device, dtype, gradientCheckpointing, lora, lisa);
      if (!(temperature > 0 && temperature <= 10)) {
        throw new InvalidConfigException("temperature", "must be in (0, 10], got " + temperature);
      }
      if (!(rewardScale > 0 && Double.isFinite(rewardScale))) {
        throw new InvalidConfigException("reward_scale", "must be finite and > 0, got " + rewardScale);
      }
    }

    /** Defaults for the model fields: cpu, fp32, no gradient checkpointing, no LoRA, no LISA. */
    public Config(Path model, Path trainFile, String chatTemplate, int steps, int groupSize, int maxNewTokens,
        double temperature, double rewardScale, AdvantageEstimator advantage, PolicyLossConfig policyLoss,
        TrainingConfig training) {
      this(model, trainFile, chatTemplate, steps, groupSize, maxNewTokens, temperature, rewardScale, advantage,
          policyLoss, training, "cpu", "fp32", false, Optional.empty(), Optional.empty());
    }

    /** The device, dtype, checkpointing, LoRA and LISA fields as one {@link ModelSetup}. */
    public ModelSetup setup() {
      return ModelSetup.of(device, dtype, gradientCheckpointing, lora, lisa);
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

  @Override
  public void validate(Config c) {
    LlamaConfig model = Recipes.requireModel("model", c.model());
    c.setup().validate(model);
    Recipes.nonEmpty(c.trainFile(), MathPrompt.readJsonl(c.trainFile()));
    Recipes.rolloutsFit("group_size", "group_size × training.per_device_batch_size", model,
        (long) c.groupSize() * c.training().perDeviceBatchSize(), c.maxNewTokens());
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    try (PolicyModel policy = c.setup().loadPolicy(ctx, c.model(), c.chatTemplate(), c.training().seed());
        ReferenceHolder reference = ReferenceHolder.load(c.policyLoss().needsReference(), policy, c.model())) {
      List<Prompt<String>> prompts = new ArrayList<>();
      for (MathPrompt p : MathPrompt.readJsonl(c.trainFile())) {
        int[] tokens = policy.encoder().encode(p.prompt(),
            dev.align4j.policies.text.GenerationPrompt.ADD).ids();
        prompts.add(new Prompt<>(p.id(), tokens, p.gold()));
      }
      ctx.note("grpo: " + prompts.size() + " prompts, " + c.groupSize() + " samples each");

      RolloutStep<String> rollouts = new RolloutStep<>(
          RolloutConfig.of(c.groupSize(), new GenerationConfig(c.maxNewTokens(), c.temperature(), 1.0, 0, true)),
          scaled(verifierReward(policy.tokenizer()), c.rewardScale()), c.advantage());
      try (RolloutPlanner planner = new RolloutPlanner(policy.model(), reference.model(), rollouts, prompts,
              c.training());
          Trainer trainer = policy.trainer(ctx, "grpo", c.training(), c.steps())) {
        Trainer.Outcome outcome =
            trainer.train(planner, new PolicyGradientStep(policy.model(), new ClippedPolicyLoss(c.policyLoss())));
        if (outcome.finished()) {
          policy.saveFinal(c.model(), ctx.dir().resolve("final"));
        }
      }
    }
  }

  /** The math verifier on the decoded completion (special tokens such as EOS skipped). */
  static RewardFunction<String> verifierReward(Tokenizer tokenizer) {
    return new VerifierReward<>(new MathVerifier(),
        ids -> tokenizer.decode(ids, Tokenizer.SpecialTokenText.SKIP));
  }

  private static RewardFunction<String> scaled(RewardFunction<String> inner, double scale) {
    return (prompt, completion, gold) -> scale * inner.reward(prompt, completion, gold);
  }

  /** The frozen KL reference ({@link PolicyModel#reference}), only when the loss uses one. */
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
