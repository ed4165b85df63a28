package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;

/**
 * The {@code "lisa"} block of a recipe: layerwise importance sampled AdamW (LISA, Pan et al., arXiv:2403.17919).
 * The embeddings, the final norm and the LM head always train; of the L decoder layers, {@code active_layers} (γ)
 * chosen uniformly at random train for {@code interval} (K) updates, then γ others are drawn ({@link LisaSchedule}).
 *
 * <pre>{@code
 * "lisa": {"active_layers": 2, "interval": 20}
 * }</pre>
 *
 * @param activeLayers γ, decoder layers trained at a time, ≥ 1 and at most the model's num_hidden_layers
 * @param interval K, updates between two draws, ≥ 1
 */
public record LisaSettings(
    @JsonProperty("active_layers") int activeLayers,
    @JsonProperty("interval") int interval) {

  public LisaSettings {
    if (activeLayers < 1) {
      throw new InvalidConfigException("active_layers", "must be >= 1, got " + activeLayers);
    }
    if (interval < 1) {
      throw new InvalidConfigException("interval", "must be >= 1, got " + interval);
    }
  }
}
