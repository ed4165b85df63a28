package dev.align4j.rewards.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Require;
import dev.align4j.rewards.Graded;
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
    return new Reward<>() {
      private volatile CodeVerifier verifier;

      @Override
      public Set<String> referenceFields() {
        return Set.of("tests");
      }

      @Override
      public List<String> reference(JsonLine line) {
        List<String> tests = line.strings("tests");
        if (tests.isEmpty()) {
          throw line.error("tests", "must hold at least one test");
        }
        return List.copyOf(tests);
      }

      @Override
      public Graded grade(String response, List<String> tests) {
        return Graded.of(verifier().verify(response, tests), scale, Verdict.Status.PASSED);
      }

      private CodeVerifier verifier() {
        CodeVerifier v = verifier;
        if (v == null) {
          synchronized (this) {
            if (verifier == null) {
              verifier = CodeVerifier.withDefaults();
            }
            v = verifier;
          }
        }
        return v;
      }
    };
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
