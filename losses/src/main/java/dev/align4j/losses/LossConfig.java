package dev.align4j.losses;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import dev.align4j.core.RegistryTypeResolver;
import dev.align4j.core.StrictJson;

/**
 * The parameters of a preference loss, as JSON keyed by {@code "type"}; each record maps one-to-one onto its loss
 * class through {@link #create()}. Unknown fields (including fields another type uses) are errors, and every
 * record validates its ranges in its constructor with an {@link dev.align4j.core.InvalidConfigException} naming the
 * JSON field ({@link dev.align4j.core.Require} has the usual checks).
 *
 * <p>An open plug-in point: the {@code "type"} names come from the {@link LossType}s registered in
 * {@code META-INF/services/dev.align4j.losses.LossType}. The built-ins register that way, and so does a loss in
 * your own jar (a record implementing this interface, its loss, and a {@link LossType}); it is then usable by name
 * in every shipped experiment.
 *
 * <pre>{@code
 * {"type": "sigmoid",  "beta": 0.1, "label_smoothing": 0.0}
 * {"type": "dpo_norm", "beta": 5.0}
 * {"type": "simpo",    "beta": 2.0, "gamma": 1.0, "sft_weight": 0.0}
 * {"type": "discopop", "beta": 0.05, "discopop_tau": 0.05}
 * }</pre>
 *
 * <p>Embed it as a field of another config record; the type id travels with it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeIdResolver(LossConfig.Types.class)
public interface LossConfig {

  /** The inverse temperature β shared by every type. */
  double beta();

  /** The loss these parameters describe. */
  PreferenceLoss create();

  /**
   * Parses one JSON object with a strict mapper: unknown fields and trailing content are errors (Jackson
   * exceptions carry the location; range errors and unknown types have an
   * {@link dev.align4j.core.InvalidConfigException} cause). An absent or
   * {@code null} optional number takes its documented default.
   */
  static LossConfig fromJson(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, LossConfig.class);
  }

  /** The strict mapper behind {@link #fromJson}. */
  ObjectMapper MAPPER = StrictJson.mapper();

  /** Binds {@code "type"} to the config records of {@link LossType#REGISTRY}. */
  final class Types extends RegistryTypeResolver<LossConfig> {
    public Types() {
      super(LossType.REGISTRY);
    }
  }
}
