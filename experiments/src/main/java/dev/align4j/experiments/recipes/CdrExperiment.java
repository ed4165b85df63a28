package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.ChatPrompt;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.losses.LossConfig;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.text.ChatMessage;
import dev.align4j.policies.text.GenerationPrompt;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.rollouts.Prompt;
import dev.align4j.rollouts.cdr.DensityRatioPairs;
import dev.align4j.rollouts.cdr.DensityRatioScorer;
import dev.align4j.rollouts.cdr.PreferencePair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Density-ratio preference data, then DPO on it. For each prompt, {@code samples_per_prompt} completions are
 * sampled from the model being trained and scored {@code s = Σ log π_strong − Σ log π_weak}; the best is chosen,
 * another drawn uniformly is rejected ({@code rollouts/cdr}). The pairs are written to
 * {@code RUN_DIR/cdr_pairs.jsonl} (reused when resuming) and the {@code dpo} loop trains on them.
 */
public final class CdrExperiment implements Experiment<CdrExperiment.Config> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param model HF model folder to sample from and train (also the DPO reference)
   * @param strongModel the better model of the density ratio
   * @param weakModel the weaker model (same vocabulary)
   * @param promptsFile prompt JSONL ({@code {"id","prompt"}})
   * @param chatTemplate {@code model} (the model folder's own template), a registered name ({@code tulu},
   *     {@code llama3}, {@code chatml}) or a {@code .jinja} file
   * @param samplesPerPrompt completions sampled per prompt, ≥ 2
   * @param maxNewTokens generation budget, ≥ 1
   * @param temperature sampling temperature, &gt; 0
   * @param maxLength tokens kept per sequence in DPO, ≥ 2
   * @param epochs DPO passes over the pairs, ≥ 1
   * @param loss the preference loss
   * @param training optimizer, schedule, batch sizes, checkpointing, seed (also the sampling seed)
   * @param referenceLogprobs as {@code dpo}'s: precomputed reference log-probs of the pairs ({@code []}: compute)
   * @param device {@code cpu}, {@code gpu} or {@code gpu:N} for every model of the run (default cpu)
   * @param dtype {@code fp32}, {@code bf16} or {@code fp16} (default fp32; bf16/fp16 only on a GPU)
   * @param gradientCheckpointing recompute each decoder layer's activations in the backward pass (default false)
   */
  public record Config(
      @JsonProperty("model") Path model,
      @JsonProperty("strong_model") Path strongModel,
      @JsonProperty("weak_model") Path weakModel,
      @JsonProperty("prompts_file") Path promptsFile,
      @JsonProperty("chat_template") String chatTemplate,
      @JsonProperty("samples_per_prompt") int samplesPerPrompt,
      @JsonProperty("max_new_tokens") int maxNewTokens,
      @JsonProperty("temperature") double temperature,
      @JsonProperty("max_length") int maxLength,
      @JsonProperty("epochs") int epochs,
      @JsonProperty("loss") LossConfig loss,
      @JsonProperty("training") TrainingConfig training,
      @JsonProperty(value = "reference_logprobs", defaultValue = "[]") List<Path> referenceLogprobs,
      @JsonProperty(value = "device", defaultValue = "\"cpu\"") String device,
      @JsonProperty(value = "dtype", defaultValue = "\"fp32\"") String dtype,
      @JsonProperty(value = "gradient_checkpointing", defaultValue = "false") boolean gradientCheckpointing) {
    public Config {
      referenceLogprobs = List.copyOf(referenceLogprobs);
      Recipes.requireTemplate(chatTemplate);
      Recipes.atLeast("samples_per_prompt", samplesPerPrompt, 2);
      Recipes.atLeast("max_new_tokens", maxNewTokens, 1);
      Recipes.atLeast("max_length", maxLength, 2);
      Recipes.atLeast("epochs", epochs, 1);
      ModelSetup.full(device, dtype, gradientCheckpointing);
      if (!(temperature > 0 && temperature <= 10)) {
        throw new InvalidConfigException("temperature", "must be in (0, 10], got " + temperature);
      }
    }

    /** Defaults for the optional fields: no precomputed reference, cpu, fp32, no gradient checkpointing. */
    public Config(Path model, Path strongModel, Path weakModel, Path promptsFile, String chatTemplate,
        int samplesPerPrompt, int maxNewTokens, double temperature, int maxLength, int epochs, LossConfig loss,
        TrainingConfig training) {
      this(model, strongModel, weakModel, promptsFile, chatTemplate, samplesPerPrompt, maxNewTokens, temperature,
          maxLength, epochs, loss, training, List.of(), "cpu", "fp32", false);
    }

    /** The device, dtype and checkpointing fields as one {@link ModelSetup}. */
    public ModelSetup setup() {
      return ModelSetup.full(device, dtype, gradientCheckpointing);
    }
  }

  @Override
  public String name() {
    return "cdr";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public List<Path> dataFiles(Config c) {
    return List.of(c.promptsFile());
  }

  @Override
  public void validate(Config c) {
    LlamaConfig model = Recipes.requireModel("model", c.model());
    c.setup().validate(model);
    Recipes.requireModel("strong_model", c.strongModel());
    Recipes.requireModel("weak_model", c.weakModel());
    Recipes.withinPositions("max_length", c.maxLength(), model);
    Recipes.nonEmpty(c.promptsFile(), ChatPrompt.readJsonl(c.promptsFile()));
    Recipes.rolloutsFit("samples_per_prompt", "samples_per_prompt", "max_new_tokens", model, c.samplesPerPrompt(),
        c.maxNewTokens());
  }

  @Override
  public void run(Config c, RunContext ctx) throws Exception {
    Path pairsFile = ctx.dir().resolve("cdr_pairs.jsonl");
    if (!Files.isRegularFile(pairsFile)) {
      buildPairs(c, pairsFile, ctx);
    }
    DpoExperiment.train(name(), c.model(), pairsFile, c.chatTemplate(), c.maxLength(), c.epochs(), c.loss(),
        c.training(), c.setup(), c.referenceLogprobs(), ctx);
  }

  private static void buildPairs(Config c, Path pairsFile, RunContext ctx) {
    List<ChatPrompt> source = ChatPrompt.readJsonl(c.promptsFile());
    ModelSetup setup = c.setup();
    try (PolicyModel policy = PolicyModel.load(c.model(), c.model(), c.chatTemplate(), setup.compute());
        LlamaModel strong = setup.loadFrozen(c.strongModel());
        LlamaModel weak = setup.loadFrozen(c.weakModel())) {
      List<Prompt<Prompt.NoReference>> prompts = new ArrayList<>();
      for (ChatPrompt p : source) {
        prompts.add(Prompt.unreferenced(p.id(), policy.encoder().encode(p.prompt(), GenerationPrompt.ADD).ids()));
      }
      GenerationConfig sampling =
          new GenerationConfig(c.maxNewTokens(), c.temperature(), 1.0, c.training().seed(), true);
      List<PreferencePair> pairs = new DensityRatioPairs(c.samplesPerPrompt(), sampling,
          new DensityRatioScorer(strong, weak)).pairs(policy.model(), prompts);
      try (AtomicOutput out = AtomicOutput.create(pairsFile)) {
        for (int i = 0; i < pairs.size(); i++) {
          out.writeJsonLine(line(source.get(i), pairs.get(i), policy.tokenizer()));
        }
        out.commit();
      }
      ctx.note("cdr: " + pairs.size() + " density-ratio pairs written to " + pairsFile.getFileName());
    }
  }

  private static ObjectNode line(ChatPrompt prompt, PreferencePair pair, Tokenizer tokenizer) {
    ObjectNode node = JSON.createObjectNode().put("id", prompt.id());
    ArrayNode messages = node.putArray("prompt");
    for (ChatMessage m : prompt.prompt()) {
      messages.addObject().put("role", m.role().wireName()).put("content", m.content());
    }
    node.put("chosen", tokenizer.decode(pair.chosenTokens(), Tokenizer.SpecialTokenText.SKIP));
    node.put("rejected", tokenizer.decode(pair.rejectedTokens(), Tokenizer.SpecialTokenText.SKIP));
    return node.put("chosen_score", pair.chosenScore()).put("rejected_score", pair.rejectedScore());
  }
}
