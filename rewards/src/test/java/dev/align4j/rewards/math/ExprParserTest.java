package dev.align4j.rewards.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExprParserTest {

  private static Budget budget() {
    return new Budget(1_000_000_000L, 100_000);
  }

  private static double value(String text, double x) {
    Expr e = ExprParser.parse(text, budget()).orElseThrow(() -> new AssertionError("no parse: " + text));
    return e.eval(Map.of("x", x), budget());
  }

  /** Values worked out by hand at x = 2. */
  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "2\\sqrt{9}           ; 6",
      "\\frac{1}{2}x        ; 1",
      "\\frac12             ; 0.5",
      "\\sqrt4              ; 2",
      "3x^2                 ; 12",
      "-x^2                 ; -4",
      "2^10                 ; 1024",
      "2^{-1}               ; 0.5",
      "x(x+1)               ; 6",
      "(x+1)(x-1)           ; 3",
      "\\sqrt[3]{-8}        ; -2",
      "4!                   ; 24",
      "|1-x|                ; 1",
      "\\log_2 8            ; 3",
      "\\ln e               ; 1",
      "2\\cdot3\\times4     ; 24",
      "12 \\div 4           ; 3",
      "1.5e3                ; 1500",
      "1.5\\times10^{3}     ; 1500",
      "\\sin^2 x+\\cos^2 x  ; 1",
      "sqrt(x+2)            ; 2",
      "6/2x                 ; 6",
  })
  void evaluatesLikeHandArithmetic(String text, double expected) {
    assertEquals(expected, value(text.strip(), 2.0), 1e-12, text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "(", "1+", "\\frac{1}", "\\unknown{2}", "x_", "1 2 )", "\\sqrt[", "|x", "}{"})
  void rejectsMalformedInputWithoutThrowing(String text) {
    assertTrue(ExprParser.parse(text, budget()).isEmpty(), text);
  }

  @org.junit.jupiter.api.Test
  void depthAndLengthAreBounded() {
    String deep = "(".repeat(200) + "1" + ")".repeat(200);
    assertTrue(ExprParser.parse(deep, budget()).isEmpty());
    assertTrue(ExprParser.parse("1+".repeat(600) + "1", budget()).isEmpty());
  }

  @org.junit.jupiter.api.Test
  void exactValueIsRationalOnlyForPlainArithmeticAndPerfectRoots() {
    assertEquals(Rational.ONE, exact("(2/3)^2 + \\frac{5}{9}").orElseThrow());
    assertEquals(Rational.of(2), exact("\\sqrt{4}").orElseThrow());
    assertEquals(Rational.of(-2), exact("\\sqrt[3]{-8}").orElseThrow());
    assertEquals(Rational.of(4), exact("8^{2/3}").orElseThrow());
    assertEquals(Rational.of(3).divide(Rational.of(2)).orElseThrow(), exact("\\sqrt{9/4}").orElseThrow());
    assertTrue(exact("\\sqrt{2}").isEmpty());
    assertTrue(exact("\\sqrt{-4}").isEmpty());
    assertTrue(exact("2^{1/5}").isEmpty());
  }

  private static Optional<Rational> exact(String text) {
    return ExprParser.parse(text, budget()).orElseThrow(() -> new AssertionError(text)).exact(budget());
  }

  /** {@code 3 4} is 34 in LaTeX and 12 in plain text: a factor that starts with a digit is refused. */
  @ParameterizedTest
  @ValueSource(strings = {"3 4", "x2", "2^3 4", "2{3}", "\\sqrt{2} 3", "\\sin 2 3", "3 .5"})
  void refusesAmbiguousJuxtapositionOfNumbers(String text) {
    assertTrue(ExprParser.parse(text, budget()).isEmpty(), text);
  }

  @org.junit.jupiter.api.Test
  void decimalLiteralsRecordTheirStatedPrecision() {
    Expr.Num third = (Expr.Num) ExprParser.parse("0.333333", budget()).orElseThrow();
    assertEquals(6, third.scale());
    assertEquals(6, third.digits());
    Expr.Num small = (Expr.Num) ExprParser.parse("0.0250", budget()).orElseThrow();
    assertEquals(4, small.scale());
    assertEquals(3, small.digits());
    Expr.Num sci = (Expr.Num) ExprParser.parse("1.23457e6", budget()).orElseThrow();
    assertEquals(-1, sci.scale());
    assertEquals(6, sci.digits());
    Expr.Num integer = (Expr.Num) ExprParser.parse("1000000007", budget()).orElseThrow();
    assertEquals(0, integer.scale());
    assertEquals(0, integer.digits());
  }
}
