package dev.align4j.rewards.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.align4j.rewards.Verdict.Status;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The decimal-approximation rule against {@link BigDecimal}'s rounding as the independent oracle: a decimal that
 * states at least 6 significant digits (one of them after the point) and is the exact fraction correctly rounded
 * is accepted; the same decimal one unit in the last place off is not; fewer digits are never enough unless
 * exact; an integer gold accepts no inexact decimal at all.
 */
class DecimalApproximationTest {

  private static final MathVerifier VERIFIER = new MathVerifier();

  private static Status verdict(String answer, long p, long q) {
    return VERIFIER.verify("\\boxed{" + answer + "}", "\\frac{" + p + "}{" + q + "}").status();
  }

  @Property(tries = 300)
  void correctRoundingsToSixOrMoreDigitsAreAcceptedTheirNeighboursNot(
      @ForAll @IntRange(min = -2_000_000, max = 2_000_000) int p, @ForAll @IntRange(min = 3, max = 9_999) int q,
      @ForAll @IntRange(min = 6, max = 16) int digits) {
    BigDecimal exact = new BigDecimal(p).divide(new BigDecimal(q), new MathContext(60, RoundingMode.HALF_EVEN));
    Assume.that(p % q != 0 && exact.precision() > digits && digits > exact.precision() - exact.scale());
    BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
    Assume.that(rounded.scale() >= 1);
    BigDecimal ulp = rounded.ulp();
    // a tie (exactly half a unit away) is accepted either way; keep the neighbours strictly outside
    BigDecimal half = ulp.divide(BigDecimal.valueOf(2));
    Assume.that(exact.subtract(rounded).abs().compareTo(half) < 0);
    assertEquals(Status.CORRECT, verdict(rounded.toPlainString(), p, q), rounded.toPlainString());
    assertEquals(Status.INCORRECT, verdict(rounded.add(ulp).toPlainString(), p, q), rounded.add(ulp).toPlainString());
    assertEquals(Status.INCORRECT, verdict(rounded.subtract(ulp).toPlainString(), p, q),
        rounded.subtract(ulp).toPlainString());
  }

  @Property(tries = 200)
  void fewerThanSixDigitsAreNotEnough(@ForAll @IntRange(min = 1, max = 999_999) int p,
      @ForAll @IntRange(min = 3, max = 999) int q, @ForAll @IntRange(min = 1, max = 5) int digits) {
    BigDecimal exact = new BigDecimal(p).divide(new BigDecimal(q), new MathContext(40, RoundingMode.HALF_EVEN));
    BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
    Assume.that(rounded.scale() >= 1 && rounded.compareTo(exact) != 0
        && !BigInteger.valueOf(q).gcd(BigInteger.valueOf(p)).equals(BigInteger.valueOf(q)));
    assertEquals(Status.INCORRECT, verdict(rounded.toPlainString(), p, q), rounded.toPlainString());
  }

  @Property(tries = 200)
  void anIntegerIsNeverApproximated(@ForAll @IntRange(min = -1_000_000_000, max = 1_000_000_000) int n,
      @ForAll @IntRange(min = 1, max = 9) int fraction, @ForAll @IntRange(min = 1, max = 12) int place) {
    BigDecimal near = new BigDecimal(n).add(BigDecimal.valueOf(fraction).movePointLeft(place));
    String gold = Integer.toString(n);
    assertEquals(Status.INCORRECT, VERIFIER.verify("\\boxed{" + near.toPlainString() + "}", gold).status(),
        near.toPlainString());
    String sameWithZeros = new BigDecimal(n).setScale(place).toPlainString();
    assertEquals(Status.CORRECT, VERIFIER.verify("\\boxed{" + sameWithZeros + "}", gold).status(), sameWithZeros);
  }
}
