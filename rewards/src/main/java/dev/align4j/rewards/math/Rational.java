package dev.align4j.rewards.math;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * An exact rational number {@code num / den} in lowest terms with {@code den > 0}; the exact first stage of answer
 * comparison ({@code 0.5 = 1/2 = 2/4}, {@code 1.5e3 = 1500}).
 *
 * <p>Size is bounded so that no check can hang on a huge literal: operations whose result would need more than
 * {@link #MAX_BITS} bits return {@link Optional#empty()} and the caller falls back to floating point.
 *
 * @param num numerator (any sign)
 * @param den denominator, positive, coprime with {@code num}
 */
public record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {

  /** The largest numerator or denominator (in bits) that exact arithmetic will produce. */
  public static final int MAX_BITS = 4096;

  public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
  public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

  public Rational {
    Objects.requireNonNull(num, "num");
    Objects.requireNonNull(den, "den");
    if (den.signum() <= 0) {
      throw new IllegalArgumentException("den must be positive, got " + den);
    }
    if (num.signum() != 0 && !gcd(num, den).equals(BigInteger.ONE)) {
      throw new IllegalArgumentException("num/den must be in lowest terms, got " + num + "/" + den);
    }
    if (num.signum() == 0 && !den.equals(BigInteger.ONE)) {
      throw new IllegalArgumentException("zero must be written 0/1, got den " + den);
    }
  }

  /** The integer {@code n}. */
  public static Rational of(long n) {
    return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
  }

  /** {@code n / d} reduced to lowest terms; empty when {@code d = 0} or too large. */
  public static Optional<Rational> of(BigInteger n, BigInteger d) {
    if (d.signum() == 0 || n.bitLength() > MAX_BITS || d.bitLength() > MAX_BITS) {
      return Optional.empty();
    }
    if (d.signum() < 0) {
      n = n.negate();
      d = d.negate();
    }
    if (n.signum() == 0) {
      return Optional.of(ZERO);
    }
    BigInteger g = gcd(n, d);
    if (!g.equals(BigInteger.ONE)) {
      n = n.divide(g);
      d = d.divide(g);
    }
    return Optional.of(new Rational(n, d));
  }

  /** {@code gcd(|a|, |b|)}, in {@code long} arithmetic when both fit (the common case, and much cheaper). */
  private static BigInteger gcd(BigInteger a, BigInteger b) {
    if (a.bitLength() < 63 && b.bitLength() < 63) {
      long x = Math.abs(a.longValue());
      long y = Math.abs(b.longValue());
      while (y != 0) {
        long t = x % y;
        x = y;
        y = t;
      }
      return BigInteger.valueOf(x);
    }
    return a.gcd(b);
  }

  /**
   * Parses a plain decimal literal such as {@code 12}, {@code -0.25}, {@code .5} or {@code 1.5e-3}; empty when the
   * text is not one or its exponent is beyond ±{@code 1000}.
   */
  public static Optional<Rational> parseDecimal(String text) {
    int n = text.length();
    if (n == 0 || n > 400) {
      return Optional.empty();
    }
    int e = indexOfExponent(text);
    String mantissa = e < 0 ? text : text.substring(0, e);
    int exp = 0;
    if (e >= 0) {
      String ex = text.substring(e + 1);
      if (!isSignedDigits(ex) || ex.length() > 5) {
        return Optional.empty();
      }
      exp = Integer.parseInt(ex);
      if (Math.abs(exp) > 1000) {
        return Optional.empty();
      }
    }
    if (!isDecimalMantissa(mantissa)) {
      return Optional.empty();
    }
    BigDecimal bd = new BigDecimal(mantissa).scaleByPowerOfTen(exp);
    if (bd.scale() <= 0) {
      return of(bd.toBigIntegerExact(), BigInteger.ONE);
    }
    return of(bd.unscaledValue(), BigInteger.TEN.pow(bd.scale()));
  }

  private static int indexOfExponent(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 'e' || c == 'E') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isSignedDigits(String s) {
    int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
    if (start == s.length()) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (!isAsciiDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDecimalMantissa(String s) {
    int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
    int digits = 0;
    int dots = 0;
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        dots++;
      } else if (isAsciiDigit(c)) {
        digits++;
      } else {
        return false;
      }
    }
    return digits > 0 && dots <= 1;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  public boolean isInteger() {
    return den.equals(BigInteger.ONE);
  }

  public int signum() {
    return num.signum();
  }

  public Optional<Rational> add(Rational o) {
    return of(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
  }

  public Optional<Rational> subtract(Rational o) {
    return of(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
  }

  public Optional<Rational> multiply(Rational o) {
    return of(num.multiply(o.num), den.multiply(o.den));
  }

  /** {@code this / o}; empty when {@code o = 0}. */
  public Optional<Rational> divide(Rational o) {
    return of(num.multiply(o.den), den.multiply(o.num));
  }

  public Rational negate() {
    return new Rational(num.negate(), den);
  }

  /**
   * {@code this^k} for an integer exponent; empty for {@code 0^k} with {@code k <= 0} (undefined or 1 by
   * convention — we refuse rather than guess) or when the result would exceed {@link #MAX_BITS}.
   */
  public Optional<Rational> pow(long k) {
    if (num.signum() == 0) {
      return k > 0 ? Optional.of(ZERO) : Optional.empty();
    }
    long absK = Math.abs(k);
    if (num.abs().equals(BigInteger.ONE) && den.equals(BigInteger.ONE)) {
      return Optional.of(num.signum() > 0 || absK % 2 == 0 ? ONE : ONE.negate());
    }
    long bits = Math.max(num.bitLength(), den.bitLength());
    if (absK > MAX_BITS || bits * absK > MAX_BITS) {
      return Optional.empty();
    }
    BigInteger n = num.pow((int) absK);
    BigInteger d = den.pow((int) absK);
    return k >= 0 ? of(n, d) : of(d, n);
  }

  /** {@code |this|}. */
  public Rational abs() {
    return num.signum() < 0 ? negate() : this;
  }

  /**
   * The exact {@code k}-th root for {@code k} = 2 or 3 when numerator and denominator are perfect powers
   * ({@code 9/4 -> 3/2}, {@code -8 -> -2}); empty otherwise (also for even roots of negative numbers).
   */
  public Optional<Rational> root(int k) {
    if (k != 2 && k != 3) {
      throw new IllegalArgumentException("root index must be 2 or 3, got " + k);
    }
    if (k == 2 && num.signum() < 0) {
      return Optional.empty();
    }
    Optional<BigInteger> n = exactRoot(num.abs(), k);
    Optional<BigInteger> d = exactRoot(den, k);
    if (n.isEmpty() || d.isEmpty()) {
      return Optional.empty();
    }
    return of(num.signum() < 0 ? n.get().negate() : n.get(), d.get());
  }

  private static Optional<BigInteger> exactRoot(BigInteger x, int k) {
    BigInteger r = k == 2 ? x.sqrt() : cubeRoot(x);
    return r.pow(k).equals(x) ? Optional.of(r) : Optional.empty();
  }

  /** Floor of the cube root of {@code x >= 0}, by Newton's method from an estimate above the root. */
  private static BigInteger cubeRoot(BigInteger x) {
    if (x.signum() == 0) {
      return x;
    }
    BigInteger three = BigInteger.valueOf(3);
    BigInteger r = BigInteger.ONE.shiftLeft(x.bitLength() / 3 + 1);
    while (true) {
      BigInteger next = r.shiftLeft(1).add(x.divide(r.multiply(r))).divide(three);
      if (next.compareTo(r) >= 0) {
        return r;
      }
      r = next;
    }
  }

  /** {@code 10^-scale / 2}: half a unit in the last place of a decimal with {@code scale} digits after the point. */
  static Rational halfUnit(int scale) {
    return new Rational(BigInteger.ONE, BigInteger.TWO.multiply(BigInteger.TEN.pow(scale)));
  }

  public double toDouble() {
    double n = num.doubleValue();
    double d = den.doubleValue();
    if (Double.isFinite(n) && Double.isFinite(d)) {
      return n / d;
    }
    return new BigDecimal(num).divide(new BigDecimal(den), java.math.MathContext.DECIMAL64).doubleValue();
  }

  @Override
  public int compareTo(Rational o) {
    return num.multiply(o.den).compareTo(o.num.multiply(den));
  }

  @Override
  public String toString() {
    return isInteger() ? num.toString() : num + "/" + den;
  }
}
