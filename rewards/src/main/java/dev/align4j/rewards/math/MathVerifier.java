package dev.align4j.rewards.math;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verifier;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a free-form math response against a gold answer: extracts the final answer, normalizes both, and decides
 * mathematical equivalence. Reward 1.0 for {@code CORRECT}, 0.0 for {@code INCORRECT} and {@code NO_ANSWER}.
 * Thread-safe; never throws on garbage input.
 */
public final class MathVerifier implements Verifier<String> {

  /** How the final answer is found in a response. */
  public enum Extraction {
    /** Only explicit markers: last boxed answer, a GSM8K {@code #### x} line, "the answer is x". */
    STRICT,
    /** The strict markers, then the last number in the response as a fallback. */
    FLEXIBLE
  }

  /**
   * Verifier options.
   *
   * @param extraction how the final answer is found
   * @param timeout the deadline for parsing and comparing one answer (extraction and normalization are linear
   *     in the input and not counted); must be positive
   */
  public record Options(Extraction extraction, Duration timeout) {
    public Options {
      Objects.requireNonNull(extraction, "extraction");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
    }

    /** Flexible extraction, 1 second per check. */
    public static Options defaults() {
      return new Options(Extraction.FLEXIBLE, Duration.ofSeconds(1));
    }
  }

  /** Extracted answers longer than this are not parsed. */
  static final int MAX_ANSWER_CHARS = ExprParser.MAX_LENGTH;
  /** Work allowance of one comparison, in parser and evaluator steps. */
  static final long MAX_STEPS = 200_000;

  private final Options options;

  /** A verifier with {@link Options#defaults()}. */
  public MathVerifier() {
    this(Options.defaults());
  }

  public MathVerifier(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public Options options() {
    return options;
  }

  /**
   * Checks {@code response} against {@code gold}. The gold may be a bare answer ({@code \frac{1}{2}}) or a full
   * solution ending in {@code \boxed{…}} or {@code #### x}.
   *
   * @return {@code CORRECT} (reward 1), {@code INCORRECT} or {@code NO_ANSWER} (reward 0), with a short detail
   */
  @Override
  public Verdict verify(String response, String gold) {
    if (gold == null || gold.isBlank()) {
      return Verdict.incorrect("gold answer is empty");
    }
    if (response == null || response.isBlank()) {
      return Verdict.noAnswer("empty response");
    }
    try {
      return check(response, gold);
    } catch (Budget.Exhausted e) {
      return Verdict.incorrect("check stopped: " + e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      return Verdict.incorrect("could not compare: " + e.getClass().getSimpleName());
    }
  }

  private Verdict check(String response, String gold) {
    Optional<AnswerExtractor.Found> found = AnswerExtractor.extract(response, options.extraction());
    if (found.isEmpty()) {
      return Verdict.noAnswer(options.extraction() == Extraction.STRICT
          ? "no \\boxed{}, #### or 'the answer is' found" : "no final answer or number found");
    }
    String answer = found.get().text();
    if (answer.isBlank()) {
      return Verdict.noAnswer("empty \\boxed{}");
    }
    if (answer.length() > MAX_ANSWER_CHARS) {
      return Verdict.incorrect("answer longer than " + MAX_ANSWER_CHARS + " characters");
    }
    Normalizer.Normalized g = Normalizer.normalize(goldAnswer(gold));
    Normalizer.Normalized r = Normalizer.normalize(answer);
    String shown = "answer " + shown(r) + " vs gold " + shown(g);
    if (r.compact().isEmpty()) {
      return Verdict.noAnswer("answer is empty after normalization");
    }
    if (!g.unit().isEmpty() && !r.unit().isEmpty() && !g.unit().equals(r.unit())) {
      return Verdict.incorrect("different units (" + r.unit() + " vs " + g.unit() + "): " + shown);
    }
    if (g.scale() == r.scale() && g.compact().equals(r.compact())) {
      return Verdict.correct("same normalized " + shown);
    }
    Budget budget = new Budget(options.timeout().toNanos(), MAX_STEPS);
    Answer ga = AnswerParser.parse(g.text(), budget);
    Answer ra = AnswerParser.parse(r.text(), budget);
    Equivalence equivalence = new Equivalence(budget, Equivalence.seed(g.compact(), r.compact()));
    if (equivalent(equivalence, g.scale(), ga, r.scale(), ra)) {
      return Verdict.correct("equivalent " + shown);
    }
    return Verdict.incorrect("not equivalent: " + shown);
  }

  /**
   * Percent signs change the number unless both sides have one: a response {@code 25\%} is 0.25 (it equals the
   * gold 0.25, not the gold 25). A percentage gold {@code 28\%} accepts 28 (the number of percent) and 0.28.
   */
  private static boolean equivalent(Equivalence eq, Normalizer.Scale gs, Answer ga, Normalizer.Scale rs, Answer ra) {
    if (gs == rs) {
      return eq.equivalent(ga, ra);
    }
    if (!(ga instanceof Answer.Scalar g) || !(ra instanceof Answer.Scalar r)) {
      return false;
    }
    Expr hundred = new Expr.Num(Rational.of(100));
    if (gs == Normalizer.Scale.PERCENT) {
      return eq.sameValue(g.expr(), r.expr())
          || eq.sameValue(new Expr.Binary(Expr.Op.DIV, g.expr(), hundred), r.expr());
    }
    return eq.sameValue(g.expr(), new Expr.Binary(Expr.Op.DIV, r.expr(), hundred));
  }

  /** A gold that is a whole solution is reduced to its final answer. */
  private static String goldAnswer(String gold) {
    if (gold.contains("\\boxed") || gold.contains("\\fbox") || gold.contains("####")) {
      return AnswerExtractor.extract(gold, Extraction.STRICT).map(AnswerExtractor.Found::text).orElse(gold);
    }
    return gold;
  }

  /** The normalized text with what normalization took off: {@code 28 %}, {@code 5 [cm]}. */
  private static String shown(Normalizer.Normalized n) {
    String s = abbreviate(n.text());
    if (n.scale() == Normalizer.Scale.PERCENT) {
      s += " %";
    }
    return n.unit().isEmpty() ? s : s + " [" + n.unit() + "]";
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
