package dev.align4j.experiments.recipes;

import dev.align4j.core.InvalidConfigException;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a recipe loads and trains its models: the one place every recipe turns its {@code "device"}, {@code "dtype"},
 * {@code "gradient_checkpointing"}, {@code "lora"} and {@code "lisa"} fields into loaded models. The policy, the
 * reference and any other model a recipe reads (CDR's strong and weak models) load here, on the same device and in
 * the same dtype.
 *
 * <pre>{@code
 * "device": "cpu" | "gpu" | "gpu:N"     (default "cpu"; a GPU that is not there is an error, never a CPU fallback)
 * "dtype": "fp32" | "bf16" | "fp16"     (default "fp32"; bf16/fp16 only on a GPU)
 * "gradient_checkpointing": false       (recompute each decoder layer in the backward pass)
 * "lora": "none" | {"r", "alpha", "dropout", "target_modules"}
 * "lisa": "none" | {"active_layers", "interval"}     (not together with lora)
 * }</pre>
 *
 * @param compute device and dtype of every model the recipe loads
 * @param gradientCheckpointing whether the policy recomputes layer activations in the backward pass
 * @param lora LoRA adapters instead of full fine-tuning
 * @param lisa LISA's layer sampling instead of full fine-tuning
 */
public record ModelSetup(LoadOptions compute, boolean gradientCheckpointing, Optional<LoraSettings> lora,
    Optional<LisaSettings> lisa) {

  public ModelSetup {
    Objects.requireNonNull(compute, "compute");
    Objects.requireNonNull(lora, "lora");
    Objects.requireNonNull(lisa, "lisa");
    if (lora.isPresent() && lisa.isPresent()) {
      throw new InvalidConfigException("lisa", "cannot be combined with lora (LISA trains whole layers, LoRA trains "
          + "adapters on a frozen base): set one of them to \"none\"");
    }
  }

  /**
   * The setup of a recipe config's fields; bad spellings and bf16/fp16 on the CPU are {@link InvalidConfigException}s
   * on {@code device} or {@code dtype} ({@link LoadOptions#parse}).
   */
  public static ModelSetup of(String device, String dtype, boolean gradientCheckpointing,
      Optional<LoraSettings> lora, Optional<LisaSettings> lisa) {
    return new ModelSetup(LoadOptions.parse(device, dtype), gradientCheckpointing, lora, lisa);
  }

  /** Full fine-tuning (no LoRA, no LISA) with these device, dtype and checkpointing fields. */
  public static ModelSetup full(String device, String dtype, boolean gradientCheckpointing) {
    return of(device, dtype, gradientCheckpointing, Optional.empty(), Optional.empty());
  }

  /** fp32 on the CPU, full fine-tuning, no checkpointing. */
  public static ModelSetup cpu() {
    return new ModelSetup(LoadOptions.cpu(), false, Optional.empty(), Optional.empty());
  }

  /**
   * The checks that need the machine or the model's {@code config.json}, before anything is loaded: the GPU asked for
   * is visible ({@code device}), LISA's active_layers do not exceed the model's layers ({@code lisa.active_layers}).
   */
  public void validate(LlamaConfig model) {
    compute.djlDevice();
    lisa.ifPresent(l -> {
      if (l.activeLayers() > model.numHiddenLayers()) {
        throw new InvalidConfigException("lisa.active_layers", "must be <= the model's num_hidden_layers "
            + model.numHiddenLayers() + ", got " + l.activeLayers());
      }
    });
  }

  /** A model that does not train (a reference, a scorer), on this device and in this dtype. */
  public LlamaModel loadFrozen(Path folder) {
    return LlamaModel.load(folder, compute);
  }

  /**
   * The policy a recipe trains, ready for its trainer: the weights of {@code model} (under full fine-tuning or LISA,
   * those of the checkpoint being resumed), gradient checkpointing as configured, LoRA adapters (fresh, or the
   * resumed checkpoint's) or the LISA schedule, the tokenizer of {@code model} and the chat template
   * {@code templateSpec}.
   *
   * @param seed the run seed (LoRA's A initialisation, LISA's layer draws)
   */
  public PolicyModel loadPolicy(RunContext ctx, Path model, String templateSpec, long seed) {
    Path weights = lora.isPresent() ? model : ctx.initialWeights(model);
    PolicyModel policy = PolicyModel.load(weights, model, templateSpec, compute);
    try {
      policy.model().setGradientCheckpointing(gradientCheckpointing);
      Tuning tuning = Tuning.attach(policy.model(), lora, lisa, seed, model.toString(),
          lora.isPresent() ? ctx.resumeCheckpoint() : Optional.empty());
      return policy.withTuning(tuning);
    } catch (RuntimeException e) {
      policy.close();
      throw e;
    }
  }
}
