package dev.align4j.rewards.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RationalTest {

  private static Rational q(long n, long d) {
    return Rational.of(BigInteger.valueOf(n), BigInteger.valueOf(d)).orElseThrow();
  }

  @Test
  void reducesToLowestTermsWithPositiveDenominator() {
    assertEquals(q(1, 2), q(-3, -6));
    assertEquals("-2/3", q(4, -6).toString());
    assertEquals(Rational.ZERO, q(0, -5));
  }

  @Test
  void constructorRejectsUnreducedInput() {
    assertThrows(IllegalArgumentException.class, () -> new Rational(BigInteger.TWO, BigInteger.valueOf(4)));
    assertThrows(IllegalArgumentException.class, () -> new Rational(BigInteger.ONE, BigInteger.ZERO));
  }

  @Test
  void parsesDecimalsAndScientificNotationExactly() {
    assertEquals(q(1, 4), Rational.parseDecimal("0.25").orElseThrow());
    assertEquals(q(1, 2), Rational.parseDecimal(".5").orElseThrow());
    assertEquals(Rational.of(1500), Rational.parseDecimal("1.5e3").orElseThrow());
    assertEquals(q(3, 2000), Rational.parseDecimal("1.5E-3").orElseThrow());
    assertEquals(Rational.of(-12), Rational.parseDecimal("-12").orElseThrow());
    assertTrue(Rational.parseDecimal("1.2.3").isEmpty());
    assertTrue(Rational.parseDecimal("1e99999").isEmpty());
    assertTrue(Rational.parseDecimal("abc").isEmpty());
  }

  @Test
  @Timeout(5) // 2^99999999 would take minutes to compute: refusing it must be immediate
  void powerIsExactAndBounded() {
    assertEquals(q(4, 9), q(2, 3).pow(2).orElseThrow());
    assertEquals(q(9, 4), q(2, 3).pow(-2).orElseThrow());
    assertEquals(Rational.ONE.negate(), Rational.of(-1).pow(99_999_999L).orElseThrow());
    assertTrue(Rational.of(2).pow(99_999_999L).isEmpty(), "2^99999999 must be refused, not computed");
    assertTrue(Rational.ZERO.pow(0).isEmpty());
    assertTrue(q(1, 2).divide(Rational.ZERO).isEmpty());
  }

  @Property(tries = 200)
  void additionInvertsSubtraction(@ForAll @IntRange(min = -1000, max = 1000) int a,
      @ForAll @IntRange(min = 1, max = 1000) int b, @ForAll @IntRange(min = -1000, max = 1000) int c,
      @ForAll @IntRange(min = 1, max = 1000) int d) {
    Rational x = q(a, b);
    Rational y = q(c, d);
    assertEquals(x, x.add(y).orElseThrow().subtract(y).orElseThrow());
    assertEquals(Integer.signum(Double.compare(x.toDouble(), y.toDouble())), Integer.signum(x.compareTo(y)));
  }
}
