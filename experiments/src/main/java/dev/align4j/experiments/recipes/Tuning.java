package dev.align4j.experiments.recipes;

import dev.align4j.policies.lora.ReferenceModel;

import ai.djl.ndarray.NDArray;
import dev.align4j.core.AtomicFiles;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.run.UpdateHook;
import dev.align4j.experiments.train.AdamW;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.lora.LoraConfig;
import dev.align4j.policies.lora.LoraModel;
import dev.align4j.policies.lora.TargetModule;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which weights of a policy train, and what its checkpoints and final folder hold. One of:
 *
 * <ul>
 *   <li>full fine-tuning: every weight; checkpoints and {@code final/} are HF model folders;
 *   <li>LoRA ({@link LoraSettings}): only the adapters' A and B; the base is frozen and is also the reference
 *       (adapters off); checkpoints and {@code final/} are PEFT adapter folders ({@code adapter_config.json},
 *       {@code adapter_model.safetensors}), which {@code ./align4j merge} folds into a full model folder;
 *   <li>LISA ({@link LisaSettings}): the embeddings, final norm, head and the decoder layers {@link LisaSchedule}
 *       picks for each update; checkpoints and {@code final/} are HF model folders.
 * </ul>
 *
 * As the trainer's {@link UpdateHook} it switches LoRA dropout on for the forward and backward passes of each update
 * only, and lets LISA pick the layers.
 */
public final class Tuning implements UpdateHook, AutoCloseable {
  private final LlamaModel model;
  private final Optional<LoraModel> lora;
  private final Optional<LisaSchedule> lisa;

  private Tuning(LlamaModel model, Optional<LoraModel> lora, Optional<LisaSchedule> lisa) {
    this.model = model;
    this.lora = lora;
    this.lisa = lisa;
  }

  /** Every weight of {@code model} trains. */
  public static Tuning full(LlamaModel model) {
    return new Tuning(model, Optional.empty(), Optional.empty());
  }

  /**
   * Sets up {@code model} for training as asked: LoRA adapters installed (fresh, A drawn from {@code seed}; or read
   * from {@code adaptersFrom}, a checkpoint being resumed), a LISA schedule drawn from {@code seed}, or neither.
   *
   * @param base the base model's folder, written into adapter configs as PEFT's base_model_name_or_path
   * @throws BadInputException when a resumed checkpoint's adapter config is not the configured one
   */
  public static Tuning attach(LlamaModel model, Optional<LoraSettings> lora, Optional<LisaSettings> lisa, long seed,
      String base, Optional<Path> adaptersFrom) {
    if (lora.isPresent()) {
      LoraSettings s = lora.get();
      LoraModel adapters;
      if (adaptersFrom.isPresent()) {
        adapters = LoraModel.load(model, adaptersFrom.get());
        if (!s.matches(adapters.config())) {
          LoraConfig stored = adapters.config();
          adapters.close();
          throw new BadInputException(adaptersFrom.get().resolve("adapter_config.json"), 0, null, "holds r "
              + stored.rank() + ", alpha " + stored.alpha() + ", dropout " + stored.dropout() + ", targets "
              + stored.orderedTargets().stream().map(TargetModule::peftName).toList() + " but the run's lora block "
              + "says " + s + "; resume with the config the run started with");
        }
      } else {
        adapters = LoraModel.attach(model, s.toLoraConfig(seed, base));
      }
      return new Tuning(model, Optional.of(adapters), Optional.empty());
    }
    return new Tuning(model, Optional.empty(), lisa.map(l -> new LisaSchedule(model, l, seed)));
  }

  /** The weights an optimizer updates: all of the model's, or the LoRA adapters' (PEFT names). */
  public Map<String, NDArray> parameters() {
    return lora.map(LoraModel::trainableParameters).orElse(model.parameters());
  }

  /**
   * Marks what trains as requiring a gradient: every weight; or none of the base's (the adapters always do); or,
   * under LISA, the weights outside the decoder layers (the layers follow at each update).
   */
  public void enableGradients() {
    if (lisa.isPresent()) {
      lisa.get().enableGradients();
    } else if (lora.isEmpty()) {
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
    }
  }

  /** The LoRA adapters, when this run trains them. */
  public Optional<LoraModel> lora() {
    return lora;
  }

  /** The LISA schedule, when this run samples layers. */
  public Optional<LisaSchedule> lisa() {
    return lisa;
  }

  /** Writes what a checkpoint holds of the model into {@code dir}: an HF model folder, or the adapter folder. */
  public void writeCheckpoint(Path dir) {
    if (lora.isPresent()) {
      lora.get().save(dir);
    } else {
      model.save(dir);
    }
  }

  /**
   * Writes the trained result to {@code target} atomically: a self-contained HF model folder (weights,
   * {@code config.json}, the tokenizer files of {@code source}), or under LoRA the PEFT adapter folder.
   */
  public Path saveFinal(Path source, Path target) {
    if (lora.isPresent()) {
      return AtomicFiles.writeFolder(target, tmp -> lora.get().save(tmp));
    }
    return ModelFolders.save(model, source, target);
  }

  /**
   * The run's frozen reference, the weights in {@code startFolder}: under LoRA the base with the adapters off (no
   * load); otherwise a second copy loaded with {@code compute}.
   */
  public ReferenceModel reference(Path startFolder, LoadOptions compute) {
    return lora.map(ReferenceModel::adaptersOff)
        .orElseGet(() -> ReferenceModel.loaded(LlamaModel.load(startFolder, compute)));
  }

  /** One line for the run's notes: what trains and how many weights that is. */
  public String describe() {
    long all = model.parameterCount();
    if (lora.isPresent()) {
      LoraConfig c = lora.get().config();
      long n = lora.get().trainableParameterCount();
      return String.format(Locale.ROOT, "lora: r %d, alpha %s, dropout %s on %s: %,d trainable weights (%.2f%% of %,d)",
          c.rank(), c.alpha(), c.dropout(), c.orderedTargets().stream().map(TargetModule::peftName).toList(), n,
          100.0 * n / all, all);
    }
    if (lisa.isPresent()) {
      return "lisa: embeddings, final norm, head and " + lisa.get().settings().activeLayers() + " of "
          + model.config().numHiddenLayers() + " decoder layers, redrawn every " + lisa.get().settings().interval()
          + " updates";
    }
    return String.format(Locale.ROOT, "full fine-tuning: %,d trainable weights", all);
  }

  @Override
  public void beforeUpdate(long step, AdamW optimizer) {
    lora.ifPresent(l -> l.setMode(LoraModel.Mode.TRAIN));
    lisa.ifPresent(l -> l.beforeUpdate(step, optimizer));
  }

  @Override
  public void afterUpdate(long step) {
    lora.ifPresent(l -> l.setMode(LoraModel.Mode.EVAL));
  }

  /** Removes the adapters (if any) from the model; the model stays open. */
  @Override
  public void close() {
    lora.ifPresent(LoraModel::close);
  }
}
