package dev.align4j.rewards.math;

import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed scalar expression: numbers, variables, {@code π}, {@code e}, {@code ∞}, the four operations, powers,
 * roots, logarithms, trigonometric functions, absolute value and factorial.
 *
 * <p>Two evaluations, both at a point (an assignment of rationals to the variables; empty for constants):
 * {@link #exact} gives a {@link Rational} when the value is rational by plain arithmetic and perfect roots
 * ({@code \frac{3}{6}}, {@code 1.5\times10^{3}}, {@code (2/3)^2}, {@code \sqrt{9/4}}, {@code 8^{1/3}}, and
 * {@code x^2+1} at {@code x = 1/2}); {@link #eval} gives a double, used where the value is not rational
 * ({@code \sqrt{2}}, {@code \pi}, {@code \sin x}). Both charge a {@link Budget}.
 */
sealed interface Expr {

  /** Exact rational value at {@code point}, or empty when it is not (provably, by plain arithmetic) rational. */
  Optional<Rational> exact(Map<String, Rational> point, Budget budget);

  /** Exact rational value of a constant expression (one without variables). */
  default Optional<Rational> exact(Budget budget) {
    return exact(Map.of(), budget);
  }

  /** Value at the point {@code vars} (NaN where undefined, ±∞ on overflow). */
  double eval(Map<String, Double> vars, Budget budget);

  /** Adds the names of the free variables to {@code out}. */
  void collectVars(Set<String> out);

  /**
   * A number literal. A decimal literal ({@code 0.333333}, {@code 1.5e-3}) also records the precision it states:
   * {@code scale}, the position of its last digit ({@code 10^-scale}; 6 for {@code 0.333333}), and
   * {@code digits}, its significant digits (6). Integer literals and numbers built by the parser state nothing
   * ({@code scale = digits = 0}): they are exact.
   *
   * @param value the exact value of the literal as written
   * @param scale the last stated digit is at {@code 10^-scale}; 0 for an exact literal
   * @param digits the number of significant digits written; 0 for an exact literal
   */
  record Num(Rational value, int scale, int digits) implements Expr {
    public Num {
      Objects.requireNonNull(value, "value");
      if (digits < 0) {
        throw new IllegalArgumentException("digits must be >= 0, got " + digits);
      }
    }

    /** An exact number (an integer literal or a number built by the parser). */
    Num(Rational value) {
      this(value, 0, 0);
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      budget.charge(1);
      return Optional.of(value);
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      budget.charge(1);
      return value.toDouble();
    }

    @Override
    public void collectVars(Set<String> out) {}
  }

  /** A free variable such as {@code x}, {@code a_1} or {@code \theta}. */
  record Var(String name) implements Expr {
    public Var {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      budget.charge(1);
      return Optional.ofNullable(point.get(name));
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      budget.charge(1);
      Double v = vars.get(name);
      return v == null ? Double.NaN : v;
    }

    @Override
    public void collectVars(Set<String> out) {
      out.add(name);
    }
  }

  /** A named constant. */
  enum Constant implements Expr {
    PI(Math.PI), E(Math.E), INFINITY(Double.POSITIVE_INFINITY);

    private final double value;

    Constant(double value) {
      this.value = value;
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      return Optional.empty();
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      budget.charge(1);
      return value;
    }

    @Override
    public void collectVars(Set<String> out) {}
  }

  /** {@code -operand}. */
  record Neg(Expr operand) implements Expr {
    public Neg {
      Objects.requireNonNull(operand, "operand");
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      return operand.exact(point, budget).map(Rational::negate);
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      return -operand.eval(vars, budget);
    }

    @Override
    public void collectVars(Set<String> out) {
      operand.collectVars(out);
    }
  }

  /** The binary operations. */
  enum Op { ADD, SUB, MUL, DIV, POW }

  /** {@code left op right}. */
  record Binary(Op op, Expr left, Expr right) implements Expr {
    public Binary {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      budget.charge(1);
      Optional<Rational> l = left.exact(point, budget);
      if (l.isEmpty()) {
        return l;
      }
      Optional<Rational> r = right.exact(point, budget);
      if (r.isEmpty()) {
        return r;
      }
      Rational a = l.get();
      Rational b = r.get();
      return switch (op) {
        case ADD -> a.add(b);
        case SUB -> a.subtract(b);
        case MUL -> a.multiply(b);
        case DIV -> a.divide(b);
        case POW -> power(a, b);
      };
    }

    /** {@code a^b} for an integer {@code b}, or {@code b = p/2}, {@code p/3} when the root is exact. */
    private static Optional<Rational> power(Rational a, Rational b) {
      if (b.num().bitLength() >= 32 || b.den().bitLength() >= 3) {
        return Optional.empty();
      }
      int q = b.den().intValue();
      long p = b.num().longValue();
      if (q == 1) {
        return a.pow(p);
      }
      return q <= 3 ? a.root(q).flatMap(root -> root.pow(p)) : Optional.empty();
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      budget.charge(1);
      double a = left.eval(vars, budget);
      double b = right.eval(vars, budget);
      return switch (op) {
        case ADD -> a + b;
        case SUB -> a - b;
        case MUL -> a * b;
        case DIV -> a / b;
        case POW -> Math.pow(a, b);
      };
    }

    @Override
    public void collectVars(Set<String> out) {
      left.collectVars(out);
      right.collectVars(out);
    }
  }

  /** Functions of one argument. */
  enum Fn {
    SQRT, SIN, COS, TAN, COT, SEC, CSC, ARCSIN, ARCCOS, ARCTAN, LN, EXP, ABS;

    double apply(double x) {
      return switch (this) {
        case SQRT -> Math.sqrt(x);
        case SIN -> Math.sin(x);
        case COS -> Math.cos(x);
        case TAN -> Math.tan(x);
        case COT -> 1 / Math.tan(x);
        case SEC -> 1 / Math.cos(x);
        case CSC -> 1 / Math.sin(x);
        case ARCSIN -> Math.asin(x);
        case ARCCOS -> Math.acos(x);
        case ARCTAN -> Math.atan(x);
        case LN -> Math.log(x);
        case EXP -> Math.exp(x);
        case ABS -> Math.abs(x);
      };
    }
  }

  /** {@code fn(arg)}. */
  record Call(Fn fn, Expr arg) implements Expr {
    public Call {
      Objects.requireNonNull(fn, "fn");
      Objects.requireNonNull(arg, "arg");
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      if (fn == Fn.ABS) {
        return arg.exact(point, budget).map(Rational::abs);
      }
      if (fn == Fn.SQRT) {
        return arg.exact(point, budget).flatMap(r -> r.root(2));
      }
      return Optional.empty();
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      budget.charge(1);
      return fn.apply(arg.eval(vars, budget));
    }

    @Override
    public void collectVars(Set<String> out) {
      arg.collectVars(out);
    }
  }

  /** {@code \sqrt[index]{radicand}}; odd roots of negative numbers are real. */
  record Root(Expr index, Expr radicand) implements Expr {
    public Root {
      Objects.requireNonNull(index, "index");
      Objects.requireNonNull(radicand, "radicand");
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      Optional<Rational> n = index.exact(point, budget);
      if (n.isEmpty() || !(n.get().equals(Rational.of(2)) || n.get().equals(Rational.of(3)))) {
        return Optional.empty();
      }
      return radicand.exact(point, budget).flatMap(r -> r.root(n.get().num().intValue()));
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      budget.charge(1);
      double n = index.eval(vars, budget);
      double x = radicand.eval(vars, budget);
      boolean oddInteger = n == Math.rint(n) && Math.abs(n) < 1e9 && ((long) n) % 2 != 0;
      if (x < 0 && oddInteger) {
        return -Math.pow(-x, 1 / n);
      }
      return Math.pow(x, 1 / n);
    }

    @Override
    public void collectVars(Set<String> out) {
      index.collectVars(out);
      radicand.collectVars(out);
    }
  }

  /** {@code \log_{base}(arg)}. */
  record Log(Expr base, Expr arg) implements Expr {
    public Log {
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(arg, "arg");
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      return Optional.empty();
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      budget.charge(1);
      return Math.log(arg.eval(vars, budget)) / Math.log(base.eval(vars, budget));
    }

    @Override
    public void collectVars(Set<String> out) {
      base.collectVars(out);
      arg.collectVars(out);
    }
  }

  /** {@code operand!}, exact for non-negative integers up to {@link #MAX_EXACT}. */
  record Factorial(Expr operand) implements Expr {
    /** The largest {@code n} whose factorial is computed exactly (500! has about 3,800 bits). */
    static final int MAX_EXACT = 500;

    public Factorial {
      Objects.requireNonNull(operand, "operand");
    }

    @Override
    public Optional<Rational> exact(Map<String, Rational> point, Budget budget) {
      Optional<Rational> n = operand.exact(point, budget);
      if (n.isEmpty() || !n.get().isInteger() || n.get().signum() < 0
          || n.get().num().compareTo(BigInteger.valueOf(MAX_EXACT)) > 0) {
        return Optional.empty();
      }
      int k = n.get().num().intValue();
      budget.charge(k);
      BigInteger f = BigInteger.ONE;
      for (int i = 2; i <= k; i++) {
        f = f.multiply(BigInteger.valueOf(i));
      }
      return Optional.of(new Rational(f, BigInteger.ONE));
    }

    @Override
    public double eval(Map<String, Double> vars, Budget budget) {
      double n = operand.eval(vars, budget);
      if (n != Math.rint(n) || n < 0) {
        return Double.NaN;
      }
      if (n > 170) {
        return Double.POSITIVE_INFINITY;
      }
      budget.charge((int) n);
      double f = 1;
      for (int i = 2; i <= n; i++) {
        f *= i;
      }
      return f;
    }

    @Override
    public void collectVars(Set<String> out) {
      operand.collectVars(out);
    }
  }
}
