package dev.align4j.rewards.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Require;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.RewardType;
import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.code.CodeVerifier;
import java.util.List;
import java.util.Set;

/**
 * Python code run against the prompt line's {@code tests} in the sandbox, as an RL reward
 * ({@code {"type": "code", "scale": 1.0}}): {@code reward = scale · (tests passed) / (tests)}; passed = every test
 * passed. The sandbox (with its isolation probe) starts on the first grade, not when the config is read.
 *
 * @param scale the reward when every test passes, {@code > 0}
 */
public record CodeRewardConfig(@JsonProperty("scale") double scale) implements dev.align4j.rewards.RewardConfig {

  public CodeRewardConfig {
    Require.positive("scale", scale);
  }

  @Override
  public Reward<List<String>> create() {
    return new VerifiedReward<>(Set.of("tests"), CodeRewardConfig::tests, CodeVerifier::withDefaults, scale,
        Verdict.Status.PASSED);
  }

  private static List<String> tests(JsonLine line) {
    List<String> tests = line.strings("tests");
    if (tests.isEmpty()) {
      throw line.error("tests", "must hold at least one test");
    }
    return List.copyOf(tests);
  }

  /** Registers {@code "code"}. */
  public static final class Type implements RewardType {
    @Override
    public String name() {
      return "code";
    }

    @Override
    public Class<CodeRewardConfig> configType() {
      return CodeRewardConfig.class;
    }
  }
}
