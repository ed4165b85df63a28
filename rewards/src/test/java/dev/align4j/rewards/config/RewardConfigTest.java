package dev.align4j.rewards.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.BadInputException;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.JsonLine;
import dev.align4j.rewards.Graded;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.RewardConfig;
import dev.align4j.rewards.RewardType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rewards from config: the registry, reference parsing with file:line:field errors, and pass/fail apart from reward. */
class RewardConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonLine line(String json) throws Exception {
    return new JsonLine(Path.of("prompts.jsonl"), 7, (ObjectNode) JSON.readTree(json));
  }

  @SuppressWarnings("unchecked")
  private static <R> Graded grade(Reward<?> reward, String response, JsonLine line) {
    Reward<R> r = (Reward<R>) reward;
    return r.grade(response, r.reference(line));
  }

  @Test
  void theBuiltInsRegisterByNameAndUnknownNamesAreRefusedOnType() throws Exception {
    assertEquals(List.of("code", "ifeval", "math", "weighted_sum"), RewardType.REGISTRY.names());
    assertEquals(new MathRewardConfig(10.0), RewardConfig.fromJson("{\"type\": \"math\", \"scale\": 10.0}"));
    Exception e = assertThrows(Exception.class, () -> RewardConfig.fromJson("{\"type\": \"maths\", \"scale\": 1}"));
    assertTrue(e.getCause() instanceof InvalidConfigException i && i.field().equals("type"), "" + e);
    assertTrue(e.getMessage().contains("unknown reward type 'maths'"), e.getMessage());
    Exception unknownField =
        assertThrows(Exception.class, () -> RewardConfig.fromJson("{\"type\": \"math\", \"scal\": 1}"));
    assertTrue(unknownField.getMessage().contains("scal"), unknownField.getMessage());
    Exception range = assertThrows(Exception.class, () -> RewardConfig.fromJson("{\"type\": \"ifeval\", \"scale\": 0}"));
    assertTrue(range.getCause() instanceof InvalidConfigException i && i.field().equals("scale"), "" + range);
  }

  @Test
  void mathGradesTheAnswerScaledAndPassesOnlyWhenCorrect() throws Exception {
    try (Reward<?> math = new MathRewardConfig(10.0).create()) {
      assertEquals(Set.of("gold"), math.referenceFields());
      Graded right = grade(math, "so the answer is \\boxed{3/4}", line("{\"prompt\": \"q\", \"gold\": \"0.75\"}"));
      assertEquals(10.0, right.reward(), 0.0);
      assertTrue(right.passed());
      Graded wrong = grade(math, "\\boxed{4/3}", line("{\"prompt\": \"q\", \"gold\": 0.75}"));
      assertEquals(0.0, wrong.reward(), 0.0);
      assertFalse(wrong.passed());
      BadInputException blank =
          assertThrows(BadInputException.class, () -> math.reference(line("{\"prompt\": \"q\", \"gold\": \" \"}")));
      assertTrue(blank.getMessage().contains("prompts.jsonl:7") && blank.getMessage().contains("gold"),
          blank.getMessage());
    }
  }

  @Test
  void ifevalRewardIsTheFractionSatisfiedAndPassesOnlyWhenAllHold() throws Exception {
    try (Reward<?> ifeval = new IfEvalRewardConfig(2.0).create()) {
      JsonLine l = line("{\"prompt\": \"q\", \"constraints\": [{\"type\": \"no_commas\"},"
          + " {\"type\": \"all_lowercase\"}]}");
      Graded half = grade(ifeval, "Hello world", l);
      assertEquals(1.0, half.reward(), 1e-12); // one of two, times 2
      assertFalse(half.passed());
      assertTrue(grade(ifeval, "hello world", l).passed());
      BadInputException bad = assertThrows(BadInputException.class,
          () -> ifeval.reference(line("{\"prompt\": \"q\", \"constraints\": [{\"type\": \"nope\"}]}")));
      assertTrue(bad.getMessage().contains("constraints"), bad.getMessage());
    }
  }

  @Test
  @Timeout(60)
  void codeRunsTheTestsInTheSandboxAndPassesOnlyWhenEveryTestPasses() throws Exception {
    try (Reward<?> code = new CodeRewardConfig(1.0).create()) {
      JsonLine l = line("{\"prompt\": \"q\", \"tests\": [\"assert inc(1) == 2\", \"assert inc(-1) == 0\","
          + " \"assert inc(0) == 5\"]}");
      Graded twoOfThree = grade(code, "```python\ndef inc(x):\n    return x + 1\n```", l);
      assertEquals(2.0 / 3, twoOfThree.reward(), 1e-12);
      assertFalse(twoOfThree.passed());
      assertEquals("failed", twoOfThree.status());
      JsonLine easy = line("{\"prompt\": \"q\", \"tests\": [\"assert inc(1) == 2\"]}");
      assertTrue(grade(code, "```python\ndef inc(x):\n    return x + 1\n```", easy).passed());
      Graded noCode = grade(code, "inc is x + 1", easy);
      assertEquals(0.0, noCode.reward(), 0.0);
      assertEquals("no_code", noCode.status());
      assertThrows(BadInputException.class, () -> code.reference(line("{\"prompt\": \"q\", \"tests\": []}")));
    }
  }

  @Test
  void aWeightedSumReadsEveryComponentsReferenceAndPassesWhenAllDo() throws Exception {
    RewardConfig config = RewardConfig.fromJson("{\"type\": \"weighted_sum\", \"components\": ["
        + "{\"weight\": 10.0, \"reward\": {\"type\": \"math\", \"scale\": 1.0}},"
        + "{\"weight\": 0.5, \"reward\": {\"type\": \"ifeval\", \"scale\": 1.0}}]}");
    try (Reward<?> sum = config.create()) {
      assertEquals(Set.of("gold", "constraints"), sum.referenceFields());
      JsonLine l = line("{\"prompt\": \"q\", \"gold\": \"2\", \"constraints\": [{\"type\": \"all_lowercase\"}]}");
      Graded both = grade(sum, "the answer is \\boxed{2}", l);
      assertEquals(10.5, both.reward(), 1e-12);
      assertTrue(both.passed());
      Graded mathOnly = grade(sum, "The answer is \\boxed{2}", l);
      assertEquals(10.0, mathOnly.reward(), 1e-12);
      assertFalse(mathOnly.passed(), "pass/fail needs every component");
      assertThrows(BadInputException.class, () -> sum.reference(line("{\"prompt\": \"q\", \"gold\": \"2\"}")));
    }
  }
}
