package dev.align4j.experiments.recipes;

import dev.align4j.core.BadInputException;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.MemoryEstimate;
import dev.align4j.policies.text.ChatTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validation helpers shared by the recipe configs and their {@code validate} checks (messages name the JSON field
 * and the allowed range; sizes are checked against the model's {@code config.json} before anything is loaded).
 */
final class Recipes {
  /** Estimates count fp32 elements: exact for fp32 runs, an upper bound for bf16/fp16 ones. */
  private static final int FP32_BYTES = 4;

  private Recipes() {}

  static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new InvalidConfigException(field, "must be >= " + min + ", got " + value);
    }
  }

  /** {@code model}, a {@code .jinja} file, or a registered template name ({@link ChatTemplate#checkSpec}). */
  static void requireTemplate(String spec) {
    ChatTemplate.checkSpec(spec);
  }

  /** The model folder's architecture (its {@code config.json}, read without loading any weight). */
  static LlamaConfig requireModel(String field, Path folder) {
    if (!Files.isRegularFile(folder.resolve("config.json"))) {
      throw new InvalidConfigException(field, "names " + folder + ", which is not a model folder (no config.json)");
    }
    return LlamaConfig.read(folder.resolve("config.json"));
  }

  /** The rows read from {@code file}; none at all is bad input. */
  static <T> List<T> nonEmpty(Path file, List<T> rows) {
    if (rows.isEmpty()) {
      throw new BadInputException(file, 0, null, "holds no examples");
    }
    return rows;
  }

  /** {@code tokens} positions must fit the model's {@code max_position_embeddings}. */
  static void withinPositions(String field, long tokens, LlamaConfig model) {
    if (tokens > model.maxPositionEmbeddings()) {
      throw new InvalidConfigException(field, "must be <= the model's max_position_embeddings "
          + model.maxPositionEmbeddings() + ", got " + tokens);
    }
  }

  /**
   * Sampling {@code sequences} completions of up to {@code newTokens} tokens at once and training on them must fit
   * in memory (KV cache, then forward and backward over prompt + completion), from an estimate, before anything is
   * allocated; prompts count as one token (a lower bound), so only what is surely too big is refused.
   */
  static void rolloutsFit(String field, String what, String tokensField, LlamaConfig model, long sequences,
      int newTokens) {
    if (newTokens >= model.maxPositionEmbeddings()) {
      throw new InvalidConfigException(tokensField, "must be < the model's max_position_embeddings "
          + model.maxPositionEmbeddings() + " (the prompt needs a position too), got " + newTokens);
    }
    MemoryEstimate sampling = MemoryEstimate.generation(model, sequences, 1, newTokens, FP32_BYTES);
    MemoryEstimate training = MemoryEstimate.forward(model, sequences, newTokens + 1L, true, FP32_BYTES);
    MemoryEstimate worst = sampling.bytes() >= training.bytes() ? sampling : training;
    if (!worst.fits()) {
      throw new InvalidConfigException(field, "is too large: " + what + " = " + sequences + " sequences; "
          + worst.describe());
    }
  }
}
