package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.OptionalBlock;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.SftExample;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.text.TokenizedChat;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
      @JsonProperty("max_length") int maxLength,
      @JsonProperty("epochs") int epochs,
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
      Recipes.atLeast("max_length", maxLength, 2);
      Recipes.atLeast("epochs", epochs, 1);
      ModelSetup.of(device, dtype, gradientCheckpointing, lora, lisa);
    }

    /** Defaults for the model fields: cpu, fp32, no gradient checkpointing, no LoRA, no LISA. */
    public Config(Path model, Path trainFile, String chatTemplate, int maxLength, int epochs,
        TrainingConfig training) {
      this(model, trainFile, chatTemplate, maxLength, epochs, training, "cpu", "fp32", false, Optional.empty(),
          Optional.empty());
    }

    /** The device, dtype, checkpointing, LoRA and LISA fields as one {@link ModelSetup}. */
    public ModelSetup setup() {
      return ModelSetup.of(device, dtype, gradientCheckpointing, lora, lisa);
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
    LlamaConfig model = Recipes.requireModel("model", c.model());
    c.setup().validate(model);
    Recipes.withinPositions("max_length", c.maxLength(), model);
    Recipes.nonEmpty(c.trainFile(), SftExample.readJsonl(c.trainFile()));
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    TrainingConfig t = c.training();
    try (PolicyModel policy = c.setup().loadPolicy(ctx, c.model(), c.chatTemplate(), t.seed())) {
      Encoding.Encoded<TokenizedChat> data =
          Encoding.sft(SftExample.readJsonl(c.trainFile()), policy.encoder(), c.maxLength());
      ctx.note(data.report().describe(c.trainFile().getFileName().toString(), c.maxLength()));
      if (data.examples().isEmpty()) {
        throw new BadInputException(c.trainFile(), 0, null, "no example keeps a completion token within max_length "
            + c.maxLength() + ": " + data.report().describe(c.trainFile().getFileName().toString(), c.maxLength()));
      }

      EpochPlanner planner = new EpochPlanner(data.examples().size(), t.effectiveBatchSize(),
          t.perDeviceBatchSize(), t.seed());
      try (Trainer trainer = policy.trainer(ctx, "sft", t, planner.totalSteps(c.epochs()))) {
        Trainer.Outcome outcome = trainer.train(planner, new SftLoss(policy, data.examples()));
        if (outcome.finished()) {
          policy.saveFinal(c.model(), ctx.dir().resolve("final"));
        }
      }
    }
  }
}
