package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.PreferenceExample;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.losses.LossConfig;
import dev.align4j.losses.ReferenceBasedLoss;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Direct preference optimization with any loss of {@code losses/} (the Tulu DPO recipe: dpo_norm, beta 5,
 * lr 5e-7, effective batch 32 = 2 × 16 accumulation, max length 2048, 1 epoch, linear schedule, warmup ratio
 * 0.1, AdamW). The reference is the starting model; its log-probs are computed once before training and cached
 * in {@code RUN_DIR/reference_logprobs/}. Writes the trained model to {@code RUN_DIR/final}.
 */
public final class DpoExperiment implements Experiment<DpoExperiment.Config> {

  /**
   * @param model HF model folder to start from; also the frozen reference
   * @param trainFile preference JSONL ({@code {"prompt","chosen","rejected"}}, text or message lists)
   * @param chatTemplate {@code model} (the model folder's own template), a registered name ({@code tulu},
   *     {@code llama3}, {@code chatml}) or a {@code .jinja} file
   * @param maxLength tokens kept per sequence, ≥ 2
   * @param epochs passes over the data, ≥ 1
   * @param loss the preference loss, e.g. {@code {"type": "dpo_norm", "beta": 5.0}}
   * @param training optimizer, schedule, batch sizes, checkpointing, seed
   */
  public record Config(
      @JsonProperty("model") Path model,
      @JsonProperty("train_file") Path trainFile,
      @JsonProperty("chat_template") String chatTemplate,
      @JsonProperty("max_length") int maxLength,
      @JsonProperty("epochs") int epochs,
      @JsonProperty("loss") LossConfig loss,
      @JsonProperty("training") TrainingConfig training) {
    public Config {
      Recipes.requireTemplate(chatTemplate);
      Recipes.atLeast("max_length", maxLength, 2);
      Recipes.atLeast("epochs", epochs, 1);
    }
  }

  @Override
  public String name() {
    return "dpo";
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
    validatePreferences(c.model(), c.trainFile(), c.maxLength());
  }

  /** The checks shared with {@code simpo}: the model folder, max_length within its positions, the pairs parse. */
  static void validatePreferences(Path model, Path trainFile, int maxLength) {
    Recipes.withinPositions("max_length", maxLength, Recipes.requireModel("model", model));
    Recipes.nonEmpty(trainFile, PreferenceExample.readJsonl(trainFile));
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    train(name(), c.model(), c.trainFile(), c.chatTemplate(), c.maxLength(), c.epochs(), c.loss(), c.training(),
        ctx);
  }

  /** The DPO training run, shared with {@code simpo} and {@code cdr} (which only build the inputs differently). */
  static void train(String stage, Path model, Path trainFile, String template, int maxLength, int epochs,
      LossConfig lossConfig, TrainingConfig t, RunContext ctx) throws Exception {
    try (PolicyModel policy = PolicyModel.load(ctx.initialWeights(model), model, template)) {
      Encoding.Encoded<EncodedPair> pairs =
          Encoding.preferences(PreferenceExample.readJsonl(trainFile), policy.encoder(), maxLength);
      ctx.note(pairs.report().describe(trainFile.getFileName().toString(), maxLength));
      if (pairs.examples().isEmpty()) {
        throw new BadInputException(trainFile, 0, null, "no pair keeps a completion token within max_length "
            + maxLength + ": " + pairs.report().describe(trainFile.getFileName().toString(), maxLength));
      }

      var loss = lossConfig.create();
      Optional<ReferenceScores> reference = loss instanceof ReferenceBasedLoss
          ? Optional.of(ReferenceScores.compute(policy, model, pairs.examples(), maxLength,
              t.perDeviceBatchSize() * 2, ctx.dir().resolve("reference_logprobs")))
          : Optional.empty();

      EpochPlanner planner = new EpochPlanner(pairs.examples().size(), t.effectiveBatchSize(),
          t.perDeviceBatchSize(), t.seed());
      policy.trainable();
      try (Trainer trainer = new Trainer(ctx, stage, policy.model().parameters(), t,
          planner.totalSteps(epochs), dir -> policy.model().save(dir))) {
        Trainer.Outcome outcome =
            trainer.train(planner, new PreferenceLossStep(policy, pairs.examples(), reference, loss));
        if (outcome.finished()) {
          ModelFolders.save(policy.model(), model, ctx.dir().resolve("final"));
        }
      }
    }
  }
}
