package dev.align4j.experiments.recipes;

import dev.align4j.policies.lora.ReferenceModel;

import ai.djl.ndarray.NDArray;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.ChatTemplate;
import dev.align4j.policies.text.Tokenizer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Llama model with its tokenizer and chat template, and how it trains ({@link Tuning}): what every recipe trains.
 * Recipes get theirs from {@link ModelSetup#loadPolicy}, which applies the config's device, dtype, checkpointing,
 * LoRA and LISA fields.
 *
 * @param model the weights
 * @param tokenizer the model folder's {@code tokenizer.json}
 * @param encoder tokenizer + chat template
 * @param tuning which weights train and how they are saved
 * @param compute the device and dtype the model was loaded with (the reference loads the same way)
 */
public record PolicyModel(LlamaModel model, Tokenizer tokenizer, ChatEncoder encoder, Tuning tuning,
    LoadOptions compute) implements AutoCloseable {

  /** Loads fp32 weights on the CPU for full fine-tuning ({@link #load(Path, Path, String, LoadOptions)}). */
  public static PolicyModel load(Path weights, Path tokenizerFolder, String templateSpec) {
    return load(weights, tokenizerFolder, templateSpec, LoadOptions.cpu());
  }

  /**
   * Loads weights from {@code weights} with {@code compute} and the tokenizer from {@code tokenizerFolder}, for full
   * fine-tuning.
   *
   * @param templateSpec a registered template name ({@code tulu}, {@code llama3}, {@code chatml}), {@code model} (the
   *     tokenizer folder's own Jinja template) or a {@code .jinja} file: see {@link ChatTemplate#resolve}
   */
  public static PolicyModel load(Path weights, Path tokenizerFolder, String templateSpec, LoadOptions compute) {
    ChatEncoder encoder = encoder(tokenizerFolder, templateSpec);
    try {
      LlamaModel model = LlamaModel.load(weights, compute);
      return new PolicyModel(model, encoder.tokenizer(), encoder, Tuning.full(model), compute);
    } catch (RuntimeException e) {
      encoder.tokenizer().close();
      throw e;
    }
  }

  /**
   * The tokenizer and chat template every recipe encodes with for {@code templateSpec}, without the weights (for
   * jobs that tokenize elsewhere, e.g. on Spark executors, and must get the same ids); the caller closes
   * {@code encoder.tokenizer()}.
   */
  public static ChatEncoder encoder(Path tokenizerFolder, String templateSpec) {
    ChatTemplate template = ChatTemplate.resolve(templateSpec, tokenizerFolder);
    return new ChatEncoder(Tokenizer.fromFolder(tokenizerFolder), template);
  }

  /** The id recipes pad batches with for {@code tokenizer}: EOS, else 0 (see {@link #padId()}). */
  public static int padId(Tokenizer tokenizer) {
    return tokenizer.specialTokens().eosId().orElse(0);
  }

  /** The same model trained as {@code other} says (LoRA adapters or a LISA schedule on this model). */
  PolicyModel withTuning(Tuning other) {
    return new PolicyModel(model, tokenizer, encoder, other, compute);
  }

  /** Turns on gradients for what trains ({@link Tuning#enableGradients}): every weight under full fine-tuning. */
  public PolicyModel trainable() {
    tuning.enableGradients();
    return this;
  }

  /** The weights the optimizer updates ({@link Tuning#parameters}). */
  public Map<String, NDArray> trainableParameters() {
    return tuning.parameters();
  }

  /**
   * A trainer over what trains, writing checkpoints as {@link Tuning#writeCheckpoint} does and calling the tuning
   * around every update; makes the policy {@link #trainable()} first.
   */
  public Trainer trainer(RunContext ctx, String stage, TrainingConfig training, long totalSteps) {
    trainable();
    ctx.note(stage + ": " + tuning.describe());
    return new Trainer(ctx, stage, trainableParameters(), training, totalSteps, tuning::writeCheckpoint, tuning);
  }

  /** The run's frozen reference: the weights of {@code startFolder} ({@link Tuning#reference}). */
  public ReferenceModel reference(Path startFolder) {
    return tuning.reference(startFolder, compute);
  }

  /** Writes the trained result to {@code target} ({@link Tuning#saveFinal}); tokenizer files from {@code source}. */
  public Path saveFinal(Path source, Path target) {
    return tuning.saveFinal(source, target);
  }

  /** The id used to pad batches (masked out everywhere): EOS, else 0. */
  public int padId() {
    return padId(tokenizer);
  }

  @Override
  public void close() {
    tuning.close();
    model.close();
    tokenizer.close();
  }
}
