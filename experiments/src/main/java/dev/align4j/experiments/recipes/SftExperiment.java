package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.SftExample;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.text.TokenizedChat;
import java.nio.file.Path;
import java.util.List;

/**
 * Supervised fine-tuning on chat data (the Tulu SFT recipe: tulu template, lr 5e-6, effective batch 128,
 * max length 4096, 2 epochs, linear schedule with warmup ratio 0.03), loss on assistant tokens only.
 * Writes the trained model to {@code RUN_DIR/final}.
 */
public final class SftExperiment implements Experiment<SftExperiment.Config> {

  /**
   * @param model HF model folder to start from (weights, config.json, tokenizer.json)
   * @param trainFile SFT JSONL ({@code {"messages": [...]}} or {@code {"prompt","completion"}})
   * @param chatTemplate {@code model} (the model folder's own template), a registered name ({@code tulu},
   *     {@code llama3}, {@code chatml}) or a {@code .jinja} file
   * @param maxLength tokens kept per example, ≥ 2
   * @param epochs passes over the data, ≥ 1
   * @param training optimizer, schedule, batch sizes, checkpointing, seed
   */
  public record Config(
      @JsonProperty("model") Path model,
      @JsonProperty("train_file") Path trainFile,
      @JsonProperty("chat_template") String chatTemplate,
      @JsonProperty("max_length") int maxLength,
      @JsonProperty("epochs") int epochs,
      @JsonProperty("training") TrainingConfig training) {
    public Config {
      Recipes.requireTemplate(chatTemplate);
      Recipes.atLeast("max_length", maxLength, 2);
      Recipes.atLeast("epochs", epochs, 1);
    }
  }

  @Override
  public String name() {
    return "sft";
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
    Recipes.withinPositions("max_length", c.maxLength(), Recipes.requireModel("model", c.model()));
    Recipes.nonEmpty(c.trainFile(), SftExample.readJsonl(c.trainFile()));
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    try (PolicyModel policy = PolicyModel.load(ctx.initialWeights(c.model()), c.model(), c.chatTemplate())) {
      Encoding.Encoded<TokenizedChat> data =
          Encoding.sft(SftExample.readJsonl(c.trainFile()), policy.encoder(), c.maxLength());
      ctx.note(data.report().describe(c.trainFile().getFileName().toString(), c.maxLength()));
      if (data.examples().isEmpty()) {
        throw new BadInputException(c.trainFile(), 0, null, "no example keeps a completion token within max_length "
            + c.maxLength() + ": " + data.report().describe(c.trainFile().getFileName().toString(), c.maxLength()));
      }

      TrainingConfig t = c.training();
      EpochPlanner planner = new EpochPlanner(data.examples().size(), t.effectiveBatchSize(),
          t.perDeviceBatchSize(), t.seed());
      policy.trainable();
      try (Trainer trainer = new Trainer(ctx, "sft", policy.model().parameters(), t,
          planner.totalSteps(c.epochs()), dir -> policy.model().save(dir))) {
        Trainer.Outcome outcome = trainer.train(planner, new SftLoss(policy, data.examples()));
        if (outcome.finished()) {
          ModelFolders.save(policy.model(), c.model(), ctx.dir().resolve("final"));
        }
      }
    }
  }
}
