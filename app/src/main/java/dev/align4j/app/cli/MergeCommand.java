package dev.align4j.app.cli;

import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.recipes.ModelFolders;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.lora.LoraModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j merge --model BASE --adapter ADAPTER --out DIR}: folds a LoRA adapter folder (PEFT layout:
 * {@code adapter_config.json} + {@code adapter_model.safetensors}, e.g. the {@code final/} of a recipe run with a
 * {@code "lora"} block, or one of its checkpoints) into the base weights, {@code W ← W + (alpha / r) · B A} for
 * every adapted projection, and writes a self-contained HF model folder (fp32 {@code model.safetensors},
 * {@code config.json}, the base's tokenizer files) that any command or recipe loads like another model. The folder
 * appears only when complete; an existing {@code --out} is refused.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merge a LoRA adapter folder into its base model: writes a full Hugging Face model folder.")
public final class MergeCommand implements Callable<Integer> {
  @Mixin LogprobsCommand.ModelOptions model;

  @Option(names = "--adapter", required = true, description = "LoRA adapter folder (adapter_config.json, "
      + "adapter_model.safetensors)")
  Path adapter;

  @Option(names = "--out", required = true, description = "the merged model folder to write (must not exist)")
  Path out;

  @Override
  public Integer call() {
    model.config();
    if (!Files.isRegularFile(adapter.resolve(LoraModel.WEIGHTS_FILE))) {
      throw BadInputException.option("--adapter", adapter + " is not a LoRA adapter folder (no "
          + LoraModel.WEIGHTS_FILE + ")");
    }
    if (Files.exists(out)) {
      throw BadInputException.option("--out", out + " exists; merge writes a new folder");
    }
    AtomicOutput.checkFolder(out, "--out");
    LoadOptions load = model.loadOptions();
    try (LlamaModel base = LlamaModel.load(model.dir, load);
        LoraModel lora = LoraModel.load(base, adapter)) {
      lora.merge();
      Path written = ModelFolders.save(base, model.dir, out);
      System.err.printf("align4j merge: %d adapted projections (r %d, alpha %s) merged into %s%n",
          lora.layers().size(), lora.config().rank(), lora.config().alpha(), model.dir);
      System.out.println(written);
    }
    return Main.EXIT_OK;
  }
}
