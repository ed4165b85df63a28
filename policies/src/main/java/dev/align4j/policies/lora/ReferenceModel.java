package dev.align4j.policies.lora;

import dev.align4j.policies.llama.LlamaModel;
import java.util.Optional;
import java.util.function.Function;

/**
 * The frozen reference of a run (DPO's reference log-probs, GRPO's KL term): the starting weights. Under LoRA it is
 * the policy's own base with the adapters switched off ({@link LoraModel#withAdaptersDisabled}, as torchtune's
 * {@code disable_adapter}): no second copy of the weights. Otherwise it is a second copy loaded from the starting
 * folder with the policy's device and dtype, freed by {@link #close()}.
 */
public final class ReferenceModel implements AutoCloseable {
  private final LlamaModel model;
  private final Optional<LoraModel> adapters;
  private final boolean owned;

  private ReferenceModel(LlamaModel model, Optional<LoraModel> adapters, boolean owned) {
    this.model = model;
    this.adapters = adapters;
    this.owned = owned;
  }

  /** The base under {@code adapters}, with them off while the reference is used. */
  public static ReferenceModel adaptersOff(LoraModel adapters) {
    return new ReferenceModel(adapters.base(), Optional.of(adapters), false);
  }

  /** A separately loaded copy, closed with this reference. */
  public static ReferenceModel loaded(LlamaModel copy) {
    return new ReferenceModel(copy, Optional.empty(), true);
  }

  /** A model used as it is (no adapters to switch off), owned by the caller: closing this reference keeps it open. */
  public static ReferenceModel of(LlamaModel model) {
    return new ReferenceModel(model, Optional.empty(), false);
  }

  /** Runs {@code body} on the reference model (under LoRA: the base with the adapters off during the call). */
  public <T> T apply(Function<LlamaModel, T> body) {
    return adapters.isPresent() ? adapters.get().withAdaptersDisabled(() -> body.apply(model)) : body.apply(model);
  }

  /** Whether this reference shares the policy's weights (LoRA adapters off) instead of holding its own copy. */
  public boolean sharesPolicyWeights() {
    return adapters.isPresent();
  }

  @Override
  public void close() {
    if (owned) {
      model.close();
    }
  }
}
