package dev.align4j.rewards;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import dev.align4j.core.RegistryTypeResolver;
import dev.align4j.core.StrictJson;

/**
 * The config of an RL reward, as JSON keyed by {@code "type"}; {@link #create()} builds the {@link Reward}. Unknown
 * fields are errors and every record validates its ranges with an {@link dev.align4j.core.InvalidConfigException}
 * naming the field.
 *
 * <pre>{@code
 * {"type": "math",   "scale": 10.0}
 * {"type": "code",   "scale": 1.0}
 * {"type": "ifeval", "scale": 1.0}
 * {"type": "weighted_sum", "components": [{"weight": 10.0, "reward": {"type": "math", "scale": 1.0}},
 *                                         {"weight": 1.0,  "reward": {"type": "ifeval", "scale": 1.0}}]}
 * }</pre>
 *
 * <p>An open plug-in point: the names come from the {@link RewardType}s listed in
 * {@code META-INF/services/dev.align4j.rewards.RewardType}; the built-ins register that way, and so does a reward in
 * your own jar, which is then usable by name in the {@code grpo} experiment.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeIdResolver(RewardConfig.Types.class)
public interface RewardConfig {

  /** The reward these settings describe. */
  Reward<?> create();

  /** Parses one JSON object with the strict mapper. */
  static RewardConfig fromJson(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, RewardConfig.class);
  }

  /** The strict mapper behind {@link #fromJson}. */
  ObjectMapper MAPPER = StrictJson.mapper();

  /** Binds {@code "type"} to the config records of {@link RewardType#REGISTRY}. */
  final class Types extends RegistryTypeResolver<RewardConfig> {
    public Types() {
      super(RewardType.REGISTRY);
    }
  }
}
