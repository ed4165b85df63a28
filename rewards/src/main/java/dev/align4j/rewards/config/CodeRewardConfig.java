package dev.align4j.rewards.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Require;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.RewardType;
import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.code.CodeTest;
import dev.align4j.rewards.code.CodeVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Python code run against the prompt line's {@code tests} (assert statements, or stdin/stdout pairs) with the
 * sandbox, as an RL reward ({@code {"type": "code", "scale": 1.0}}): {@code reward = scale · (tests passed) /
 * (tests)}; passed = every test passed. Expected values are compared outside the sandbox ({@link CodeVerifier}). The sandbox (with its isolation probe) starts on the first grade, not when the config is read.
 *
 * @param scale the reward when every test passes, {@code > 0}
 */
public record CodeRewardConfig(@JsonProperty("scale") double scale) implements dev.align4j.rewards.RewardConfig {

  public CodeRewardConfig {
    Require.positive("scale", scale);
  }

  @Override
  public Reward<List<CodeTest>> create() {
    return new VerifiedReward<>(Set.of("tests"), CodeRewardConfig::tests, CodeVerifier::withDefaults, scale,
        Verdict.Status.PASSED);
  }

  /**
   * The {@code tests} field of a line: a non-empty array whose strings are assert tests and whose
   * {@code {"stdin": s, "stdout": s}} objects are stdin/stdout tests ({@link CodeTest}); errors name the element.
   */
  public static List<CodeTest> tests(JsonLine line) {
    JsonNode array = line.require("tests");
    if (!array.isArray()) {
      throw line.error("tests", "must be an array");
    }
    if (array.isEmpty()) {
      throw line.error("tests", "must hold at least one test");
    }
    List<CodeTest> tests = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode t = array.get(i);
      if (t.isTextual()) {
        tests.add(CodeTest.assertion(t.asText()));
      } else if (t.isObject() && t.size() == 2 && t.path("stdin").isTextual() && t.path("stdout").isTextual()) {
        tests.add(CodeTest.stdinStdout(t.get("stdin").asText(), t.get("stdout").asText()));
      } else {
        throw line.error("tests[" + i + "]",
            "must be a string (assert statements) or {\"stdin\": string, \"stdout\": string}");
      }
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
