package dev.align4j.rewards.math;

import java.util.Optional;

/**
 * When a decimal stands for a value it does not equal exactly. A <i>decimal approximation</i> is a bare decimal
 * literal ({@code 0.333333}, {@code -1.41421}, {@code 2.50000e-7}) that states at least {@value #MIN_DIGITS}
 * significant digits, one of them after the units place. It matches a value {@code v} when it is {@code v}
 * correctly rounded to its own last digit:
 *
 * <pre>
 * |literal - v| &lt;= 10^-scale / 2        (scale: the position of the literal's last digit)
 * </pre>
 *
 * so its relative error is below {@code 5e-6}: {@code 0.333333} and {@code 0.3333333333} match {@code 1/3};
 * {@code 0.333} (3 digits), {@code 0.333334} (not a rounding) and {@code 0.666666} for {@code 2/3} (truncated)
 * do not. An integer is never approximated ({@code 1000000007.4} is not {@code 1000000007}): rounding an integer
 * to any place gives the integer itself. When both sides are decimal literals, the coarser must be a rounding of
 * the finer.
 *
 * <p>Where this comes from: HF Math-Verify, when either side is a float, rounds both to {@code float_rounding = 6}
 * decimal places and compares ({@code grader.sympy_numeric_eq}), so it also refuses {@code 0.333} for {@code 1/3}
 * and accepts {@code 0.333333}; open-instruct's Minerva-style {@code is_equiv} ({@code simplify(a - b) == 0})
 * refuses every inexact decimal. We state the precision relative to the number rather than as decimal places, so
 * that tiny values are not all equal to 0 ({@code 0.000000001 != 0.000000002}) and large ones are not compared to
 * the units digit only.
 */
final class DecimalApproximation {

  /** Significant digits a decimal literal must state to be read as an approximation. */
  static final int MIN_DIGITS = 6;

  private DecimalApproximation() {}

  /** Whether {@code e} is a decimal approximation that is the exact {@code value} rounded to its last digit. */
  static boolean roundsTo(Expr e, Rational value) {
    Optional<Expr.Num> lit = literal(e);
    if (lit.isEmpty() || value.isInteger()) {
      return false;
    }
    Expr.Num n = lit.get();
    Rational v = e instanceof Expr.Neg ? value.negate() : value;
    Optional<Rational> error = n.value().subtract(v);
    return error.isPresent() && error.get().abs().compareTo(Rational.halfUnit(n.scale())) <= 0;
  }

  /**
   * As {@link #roundsTo(Expr, Rational)} against a value known only in double precision ({@code \pi}), allowing
   * the double's own error, {@code relativeError * |value|}.
   */
  static boolean roundsTo(Expr e, double value, double relativeError) {
    Optional<Expr.Num> lit = literal(e);
    if (lit.isEmpty() || !Double.isFinite(value)) {
      return false;
    }
    Expr.Num n = lit.get();
    double v = e instanceof Expr.Neg ? -value : value;
    double half = 0.5 * Math.pow(10, -n.scale());
    return Math.abs(n.value().toDouble() - v) <= half + relativeError * Math.abs(v);
  }

  /** The literal of a decimal approximation ({@code 0.333333} or {@code -0.333333}), if {@code e} is one. */
  private static Optional<Expr.Num> literal(Expr e) {
    Expr inner = e instanceof Expr.Neg neg ? neg.operand() : e;
    if (inner instanceof Expr.Num n && n.scale() >= 1 && n.digits() >= MIN_DIGITS) {
      return Optional.of(n);
    }
    return Optional.empty();
  }
}
