package dev.align4j.rewards.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Require;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.RewardType;
import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.math.MathVerifier;
import java.util.Set;

/**
 * The math verifier as an RL reward ({@code {"type": "math", "scale": 10.0}}): {@code reward = scale} when the
 * response's final answer equals the prompt line's {@code gold} mathematically, else 0 (Tulu 3's RLVR uses
 * scale 10); passed = the answer is correct.
 *
 * @param scale the reward of a correct answer, {@code > 0}
 */
public record MathRewardConfig(@JsonProperty("scale") double scale) implements dev.align4j.rewards.RewardConfig {

  public MathRewardConfig {
    Require.positive("scale", scale);
  }

  @Override
  public Reward<String> create() {
    return new VerifiedReward<>(Set.of("gold"), MathRewardConfig::gold, MathVerifier::new, scale,
        Verdict.Status.CORRECT);
  }

  private static String gold(JsonLine line) {
    JsonNode g = line.require("gold");
    if (!(g.isTextual() || g.isNumber()) || g.asText().isBlank()) {
      throw line.error("gold", "must be a non-blank string or a number");
    }
    return g.asText();
  }

  /** Registers {@code "math"}. */
  public static final class Type implements RewardType {
    @Override
    public String name() {
      return "math";
    }

    @Override
    public Class<MathRewardConfig> configType() {
      return MathRewardConfig.class;
    }
  }
}
