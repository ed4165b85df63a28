package dev.align4j.rewards.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Require;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.RewardType;
import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.ifeval.Constraint;
import dev.align4j.rewards.ifeval.IfEvalVerifier;
import java.util.List;
import java.util.Set;

/**
 * Instruction-following constraints (the prompt line's {@code constraints}, IFEval-style) as an RL reward
 * ({@code {"type": "ifeval", "scale": 1.0}}): {@code reward = scale · (constraints satisfied) / (constraints)};
 * passed = every constraint holds.
 *
 * @param scale the reward when every constraint holds, {@code > 0}
 */
public record IfEvalRewardConfig(@JsonProperty("scale") double scale) implements dev.align4j.rewards.RewardConfig {

  public IfEvalRewardConfig {
    Require.positive("scale", scale);
  }

  @Override
  public Reward<List<Constraint>> create() {
    return new VerifiedReward<>(Set.of("constraints"), IfEvalRewardConfig::constraints, IfEvalVerifier::new, scale,
        Verdict.Status.SATISFIED);
  }

  /** The {@code constraints} field of a line, parsed; errors name the field and the element. */
  public static List<Constraint> constraints(JsonLine line) {
    try {
      return IfEvalVerifier.parse(line.require("constraints"));
    } catch (IllegalArgumentException e) {
      throw line.error("constraints", e.getMessage());
    }
  }

  /** Registers {@code "ifeval"}. */
  public static final class Type implements RewardType {
    @Override
    public String name() {
      return "ifeval";
    }

    @Override
    public Class<IfEvalRewardConfig> configType() {
      return IfEvalRewardConfig.class;
    }
  }
}
