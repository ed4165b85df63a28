package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.MathPrompt;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
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
      @JsonProperty("training") TrainingConfig training) {
    public Config {
      Recipes.requireTemplate(chatTemplate);
      Recipes.atLeast("steps", steps, 1);
      Recipes.atLeast("group_size", groupSize, 2);
      Recipes.atLeast("max_new_tokens", maxNewTokens, 1);
      if (!(temperature > 0 && temperature <= 10)) {
        throw new InvalidConfigException("temperature", "must be in (0, 10], got " + temperature);
      }
      if (!(rewardScale > 0 && Double.isFinite(rewardScale))) {
        throw new InvalidConfigException("reward_scale", "must be finite and > 0, got " + rewardScale);
      }
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
    Recipes.nonEmpty(c.trainFile(), MathPrompt.readJsonl(c.trainFile()));
    Recipes.rolloutsFit("group_size", "group_size × training.per_device_batch_size", model,
        (long) c.groupSize() * c.training().perDeviceBatchSize(), c.maxNewTokens());
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    try (PolicyModel policy = PolicyModel.load(ctx.initialWeights(c.model()), c.model(), c.chatTemplate());
        ReferenceHolder reference = ReferenceHolder.load(c.policyLoss().needsReference(), c.model())) {
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
      policy.trainable();
      try (RolloutPlanner planner = new RolloutPlanner(policy.model(), reference.model(), rollouts, prompts,
              c.training());
          Trainer trainer = new Trainer(ctx, "grpo", policy.model().parameters(), c.training(), c.steps(),
              dir -> policy.model().save(dir))) {
        Trainer.Outcome outcome =
            trainer.train(planner, new PolicyGradientStep(policy.model(), new ClippedPolicyLoss(c.policyLoss())));
        if (outcome.finished()) {
          ModelFolders.save(policy.model(), c.model(), ctx.dir().resolve("final"));
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

  /** The frozen KL reference, loaded only when the loss uses one. */
  record ReferenceHolder(Optional<LlamaModel> model) implements AutoCloseable {
    static ReferenceHolder load(boolean needed, Path folder) {
      return new ReferenceHolder(needed ? Optional.of(LlamaModel.load(folder, LoadOptions.cpu())) : Optional.empty());
    }

    @Override
    public void close() {
      model.ifPresent(LlamaModel::close);
    }
  }
}
