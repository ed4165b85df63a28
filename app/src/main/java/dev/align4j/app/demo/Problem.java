package dev.align4j.app.demo;

/**
 * One addition problem {@code a+b=}, answered by {@code a + b}.
 *
 * @param a first addend, ≥ 0
 * @param b second addend, ≥ 0
 */
public record Problem(int a, int b) {
  public Problem {
    if (a < 0 || b < 0) {
      throw new IllegalArgumentException("addends must be >= 0, got " + a + " and " + b);
    }
  }

  /** The question as the user asks it, e.g. {@code 12+7=}. */
  public String question() {
    return a + "+" + b + "=";
  }

  /** The correct answer as text. */
  public String answer() {
    return Integer.toString(a + b);
  }

  /** The problem as one line of pretraining text, e.g. {@code 12+7=19}. */
  public String text() {
    return question() + answer();
  }
}
