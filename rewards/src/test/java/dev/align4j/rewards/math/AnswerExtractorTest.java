package dev.align4j.rewards.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.rewards.math.AnswerExtractor.Method;
import dev.align4j.rewards.math.MathVerifier.Extraction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AnswerExtractorTest {

  private static AnswerExtractor.Found flexible(String s) {
    return AnswerExtractor.extract(s, Extraction.FLEXIBLE).orElseThrow(() -> new AssertionError("none: " + s));
  }

  @Test
  void lastBoxWithNestedAndEscapedBraces() {
    assertEquals("\\frac{1}{\\sqrt{2}}", flexible("a \\boxed{3} then \\boxed{\\frac{1}{\\sqrt{2}}}.").text());
    assertEquals("\\{1,2\\}", flexible("\\boxed{\\{1,2\\}}").text());
    assertEquals("7", flexible("\\fbox{7}").text());
    assertEquals("5", flexible("so $\\boxed 5$").text());
    assertEquals(Method.BOXED, flexible("\\boxed{}").method());
    assertEquals("", flexible("\\boxed{}").text());
  }

  @Test
  void unclosedLastBoxFallsBackToTheOneBefore() {
    assertEquals("4", flexible("\\boxed{4} and \\boxed{5").text());
  }

  @Test
  void gsm8kHashesAndPhrases() {
    assertEquals("72", flexible("48+24 = 72\n#### 72").text());
    assertEquals("19", flexible("The answer is 19.").text());
    assertEquals("3.5", flexible("The final answer is 3.5. I hope it is correct.").text());
    assertEquals("28 \\%", flexible("Final Answer: The final answer is $28 \\%$. I hope it is correct.").text());
    assertEquals("20", flexible("**Final Answer:** 20").text());
    assertEquals(Method.PHRASE, flexible("Answer: 12").method());
  }

  @Test
  void lastNumberIsNeitherAListMemberNorPartOfAnExpression() {
    assertEquals("1,2,3", flexible("The numbers are 1,2,3").text());
    assertEquals("1000", flexible("about 1,000").text());
    assertTrue(AnswerExtractor.extract("so it is $x^2$", Extraction.FLEXIBLE).isEmpty());
    assertTrue(AnswerExtractor.extract("$\\frac{1+\\sqrt{5}}{2}$", Extraction.FLEXIBLE).isEmpty());
    assertTrue(AnswerExtractor.extract("code AZYUK2A", Extraction.FLEXIBLE).isEmpty());
    assertTrue(AnswerExtractor.extract("so we get 2x", Extraction.FLEXIBLE).isEmpty());
    assertEquals("12", flexible("She needs 12kg.").text());
    assertEquals("3", flexible("The result is \\boxed{3").text());
  }

  @Test
  void overlongAnswersAreCutJustPastTheLimit() {
    String big = "1+".repeat(5000) + "1";
    assertEquals(AnswerExtractor.MAX_TEXT + 1, flexible("\\boxed{" + big + "}").text().length());
    assertEquals(AnswerExtractor.MAX_TEXT + 1, flexible("The answer is $" + big + "$").text().length());
  }

  /**
   * Inputs built to make a careless extractor quadratic: many unclosed boxes (each scanned to the end), many
   * answer phrases whose math span never closes, deep braces, long runs of separators. The work must stay
   * within a small constant times the length.
   */
  @Test
  @Timeout(60)
  void workIsLinearInTheResponseLength() {
    int n = 1 << 20;
    List<String> units = List.of("\\boxed{", "\\boxed ", "\\fbox{1", "{", "}", "answer: $", "the answer is \\(",
        "Answer = ", "####", "# ", "1,", "-", "$", "\\", "x^2 ", "answer" + " ".repeat(50), " ".repeat(50) + "answer:");
    for (String unit : units) {
      for (MathVerifier.Extraction mode : MathVerifier.Extraction.values()) {
        String s = unit.repeat(n / unit.length());
        long steps = AnswerExtractor.steps(s, mode);
        assertTrue(steps <= 6L * s.length(), unit + " (" + mode + "): " + steps + " steps for " + s.length());
      }
    }
  }

  @Test
  @Timeout(60)
  void workGrowsLinearlyNotQuadratically() {
    String unit = "\\boxed{answer: $";
    long small = AnswerExtractor.steps(unit.repeat(10_000), Extraction.FLEXIBLE);
    long large = AnswerExtractor.steps(unit.repeat(100_000), Extraction.FLEXIBLE);
    assertTrue(large <= 12 * small, "10x the input took " + large + " vs " + small + " steps");
  }

  @Test
  void lastNumberOnlyInFlexibleMode() {
    assertEquals("19", flexible("12+7=19").text());
    assertEquals("5", flexible("12-7=5").text());
    assertEquals("-3", flexible("so x = -3").text());
    assertEquals("1000", flexible("it costs 1,000 dollars").text());
    assertEquals("3/4", flexible("ratio 3/4").text());
    assertEquals(Method.LAST_NUMBER, flexible("12+7=19").method());
    assertTrue(AnswerExtractor.extract("12+7=19", Extraction.STRICT).isEmpty());
    assertTrue(AnswerExtractor.extract("no digits here", Extraction.FLEXIBLE).isEmpty());
  }

  @Test
  void phraseInsideOrdinaryTextIsNotAnAnswer() {
    assertTrue(AnswerExtractor.extract("I wonder what the answers are", Extraction.STRICT).isEmpty());
  }
}
