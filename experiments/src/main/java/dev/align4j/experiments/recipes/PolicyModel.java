package dev.align4j.experiments.recipes;

import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.ChatTemplate;
import dev.align4j.policies.text.Tokenizer;
import java.nio.file.Path;

/**
 * A Llama model in fp32 on the CPU with its tokenizer and chat template: what every recipe trains. Never bf16
 * on the CPU (DJL's CPU kernels crash on it).
 *
 * @param model the weights
 * @param tokenizer the model folder's {@code tokenizer.json}
 * @param encoder tokenizer + chat template
 */
public record PolicyModel(LlamaModel model, Tokenizer tokenizer, ChatEncoder encoder) implements AutoCloseable {

  /**
   * Loads weights from {@code weights} and the tokenizer from {@code tokenizerFolder}.
   *
   * @param templateSpec a registered template name ({@code tulu}, {@code llama3}, {@code chatml}), {@code model} (the
   *     tokenizer folder's own Jinja template) or a {@code .jinja} file: see {@link ChatTemplate#resolve}
   */
  public static PolicyModel load(Path weights, Path tokenizerFolder, String templateSpec) {
    ChatTemplate template = ChatTemplate.resolve(templateSpec, tokenizerFolder);
    Tokenizer tokenizer = Tokenizer.fromFolder(tokenizerFolder);
    LlamaModel model = LlamaModel.load(weights, LoadOptions.cpu());
    return new PolicyModel(model, tokenizer, new ChatEncoder(tokenizer, template));
  }

  /** Turns on gradients for every weight (the model is being trained). */
  public PolicyModel trainable() {
    model.parameters().values().forEach(p -> p.setRequiresGradient(true));
    return this;
  }

  /** The id used to pad batches (masked out everywhere): EOS, else 0. */
  public int padId() {
    return tokenizer.specialTokens().eosId().orElse(0);
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
