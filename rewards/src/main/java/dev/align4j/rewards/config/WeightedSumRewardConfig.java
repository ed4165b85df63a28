package dev.align4j.rewards.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.JsonLine;
import dev.align4j.rewards.Graded;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.RewardConfig;
import dev.align4j.rewards.RewardType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A fixed linear combination of rewards, {@code r = Σ_k w_k · r_k} (TRL's {@code reward_weights}; e.g. a format
 * reward plus 10 × a verifier), as an RL reward:
 *
 * <pre>{@code
 * {"type": "weighted_sum", "components": [{"weight": 1.0, "reward": {"type": "math", "scale": 10.0}},
 *                                         {"weight": 0.5, "reward": {"type": "ifeval", "scale": 1.0}}]}
 * }</pre>
 *
 * A prompt line carries the reference fields of every component; passed = every component passed.
 *
 * @param components at least one weighted reward
 */
public record WeightedSumRewardConfig(@JsonProperty("components") List<Component> components)
    implements RewardConfig {

  /**
   * One term of the sum.
   *
   * @param weight finite coefficient w_k
   * @param reward the component
   */
  public record Component(@JsonProperty("weight") double weight, @JsonProperty("reward") RewardConfig reward) {
    public Component {
      if (!Double.isFinite(weight)) {
        throw new InvalidConfigException("weight", "must be finite (got " + weight + ")");
      }
      if (reward == null) {
        throw new InvalidConfigException("reward", "must be given, e.g. {\"type\": \"math\", \"scale\": 1.0}");
      }
    }
  }

  public WeightedSumRewardConfig {
    if (components == null || components.isEmpty()) {
      throw new InvalidConfigException("components", "must hold at least one {\"weight\", \"reward\"}");
    }
    components = List.copyOf(components);
  }

  @Override
  public Reward<List<Object>> create() {
    List<Reward<?>> parts = new ArrayList<>();
    for (Component c : components) {
      parts.add(c.reward().create());
    }
    return new Reward<>() {
      @Override
      public Set<String> referenceFields() {
        Set<String> fields = new LinkedHashSet<>();
        parts.forEach(p -> fields.addAll(p.referenceFields()));
        return fields;
      }

      @Override
      public List<Object> reference(JsonLine line) {
        List<Object> refs = new ArrayList<>(parts.size());
        for (Reward<?> p : parts) {
          refs.add(p.reference(line));
        }
        return refs;
      }

      @Override
      public Graded grade(String response, List<Object> references) {
        double sum = 0;
        boolean passed = true;
        List<String> statuses = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
          Graded g = gradeOne(parts.get(k), response, references.get(k));
          sum += components.get(k).weight() * g.reward();
          passed &= g.passed();
          statuses.add(g.status());
        }
        return new Graded(sum, passed, String.join("+", statuses));
      }

      @Override
      public void close() {
        parts.forEach(Reward::close);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <R> Graded gradeOne(Reward<R> reward, String response, Object reference) {
    return reward.grade(response, (R) reference);
  }

  /** Registers {@code "weighted_sum"}. */
  public static final class Type implements RewardType {
    @Override
    public String name() {
      return "weighted_sum";
    }

    @Override
    public Class<WeightedSumRewardConfig> configType() {
      return WeightedSumRewardConfig.class;
    }
  }
}
