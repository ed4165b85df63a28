package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.losses.LossConfig;
import dev.align4j.losses.ReferenceBasedLoss;
import dev.align4j.losses.SimPoConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * SimPO (Meng et al., arXiv:2405.14734), reference-free: {@code L = −log σ(β/|y_w|·log π(y_w) −
 * β/|y_l|·log π(y_l) − γ)} with the published presets (γ = β · gamma_beta_ratio): {@code v0.1} β 2.5, ratio
 * 0.55 and {@code v0.2} β 10, ratio 0.3, both with lr 1e-6 in the paper's Llama-3-Instruct recipes. Runs the
 * {@code dpo} training loop with no reference model. {@code "loss"} is a preset name or any reference-free loss
 * config ({@code {"type": "simpo", "beta": 2.5, "gamma": 1.375}}, or a plug-in's type).
 */
public final class SimpoExperiment implements Experiment<SimpoExperiment.Config> {

  /** The published hyper-parameter presets. */
  public enum Preset {
    V0_1("v0.1", 2.5, 0.55),
    V0_2("v0.2", 10.0, 0.3);

    private final String wireName;
    private final double beta;
    private final double gammaBetaRatio;

    Preset(String wireName, double beta, double gammaBetaRatio) {
      this.wireName = wireName;
      this.beta = beta;
      this.gammaBetaRatio = gammaBetaRatio;
    }

    public String wireName() {
      return wireName;
    }

    /** The SimPO loss config of this preset: β and γ = β · ratio, no label smoothing, no SFT term. */
    public SimPoConfig loss() {
      return new SimPoConfig(beta, beta * gammaBetaRatio, 0.0, 0.0);
    }
  }

  /**
   * @param model HF model folder to start from
   * @param trainFile preference JSONL
   * @param chatTemplate {@code model} (the model folder's own template), a registered name ({@code tulu},
   *     {@code llama3}, {@code chatml}) or a {@code .jinja} file
   * @param maxLength tokens kept per sequence, ≥ 2
   * @param epochs passes over the data, ≥ 1
   * @param loss {@code "v0.1"}, {@code "v0.2"} or a reference-free loss config
   * @param training optimizer, schedule, batch sizes, checkpointing, seed (the presets use lr 1e-6)
   */
  public record Config(
      @JsonProperty("model") Path model,
      @JsonProperty("train_file") Path trainFile,
      @JsonProperty("chat_template") String chatTemplate,
      @JsonProperty("max_length") int maxLength,
      @JsonProperty("epochs") int epochs,
      @JsonProperty("loss") @JsonDeserialize(using = PresetOrLoss.class) LossConfig loss,
      @JsonProperty("training") TrainingConfig training) {
    public Config {
      Recipes.requireTemplate(chatTemplate);
      Recipes.atLeast("max_length", maxLength, 2);
      Recipes.atLeast("epochs", epochs, 1);
      if (loss.create() instanceof ReferenceBasedLoss) {
        throw new InvalidConfigException("loss", "must be reference-free in simpo (the dpo experiment takes "
            + "reference-based losses)");
      }
    }
  }

  /** Reads {@code "loss"}: a preset name, or a loss config object as everywhere else. */
  static final class PresetOrLoss extends JsonDeserializer<LossConfig> {
    @Override
    public LossConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        String name = p.getText();
        for (Preset preset : Preset.values()) {
          if (preset.wireName().equals(name)) {
            return preset.loss();
          }
        }
        throw new InvalidConfigException("loss", "unknown preset '" + name + "' (v0.1, v0.2, or a loss object)");
      }
      return ctxt.readValue(p, LossConfig.class);
    }

    @Override
    public Object deserializeWithType(JsonParser p, DeserializationContext ctxt, TypeDeserializer types)
        throws IOException {
      return deserialize(p, ctxt); // the string form has no "type"; the object form resolves it itself
    }
  }

  @Override
  public String name() {
    return "simpo";
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
    DpoExperiment.validatePreferences(c.model(), c.trainFile(), c.maxLength());
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    DpoExperiment.train(name(), c.model(), c.trainFile(), c.chatTemplate(), c.maxLength(), c.epochs(), c.loss(),
        c.training(), ctx);
  }
}
