package dev.align4j.rewards.math;

import dev.align4j.rewards.math.Answer.End;
import dev.align4j.rewards.math.Answer.Group;
import dev.align4j.rewards.math.Answer.Kind;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Decides whether a response's answer equals the gold answer mathematically. One instance per check: it holds the
 * check's {@link Budget} and its random points.
 *
 * <p><b>Numbers.</b> Constant expressions that are rational by plain arithmetic (and perfect roots) are compared
 * as exact {@link Rational}s: {@code 1000000008 != 1000000007}. A tolerance applies only to a decimal
 * approximation, by the rule of {@link DecimalApproximation} ({@code 0.333333} for {@code 1/3}, {@code 3.14159}
 * for {@code \pi}). Other constants ({@code \sqrt{2}}, {@code \pi}) are compared in double precision with
 * relative tolerance {@value #RELATIVE_TOLERANCE}; an exact side of magnitude {@code >= 1e10} against an inexact
 * one is refused, since a double cannot tell its neighbours apart at that tolerance.
 *
 * <p><b>Identities.</b> Expressions with variables are compared at random points drawn per check from a
 * generator seeded by the pair (so the points are neither public nor fixed): each variable a rational
 * {@code ±n/d} (half the draws in {@code (0, 1]}, half up to 30), negatives included. Where both sides are
 * rational at the point they must be exactly equal; otherwise their doubles must agree within the tolerance. A
 * point where exactly one side is undefined or infinite is a mismatch ({@code \sqrt{x}^2} against {@code x} at
 * {@code x < 0}), unless both sides are finite right next to it: an isolated pole of one side
 * ({@code 0/(x-xy)} at {@code y = 1}) is no evidence and the point is drawn again, as is a point where both are
 * undefined (outside a common domain, {@code \sqrt{x}} at {@code x < 0}). Equal needs {@value #WANTED_POINTS}
 * agreeing points (at least {@value #MIN_POINTS} within {@value #MAX_DRAWS} draws) and no disagreeing one. This is the
 * Schwartz–Zippel identity test: two different rational functions of small degree agree at a random rational
 * point with probability at most degree / (number of candidate values).
 *
 * <p><b>Shapes.</b> An equation answer equals a scalar gold only as an assignment {@code v = e} (every side after
 * the variable equal to the gold: {@code x = 5}, {@code x = 2+3 = 5}; not {@code 41 = 42}, {@code 2x = 10}). A gold
 * assignment of a constant ({@code x = 5}) is a scalar gold, which a response assigns to the same variable or
 * states bare; other gold equations ({@code y = 2x+1}, {@code x+y = 1}) equal a response equation with the same
 * sides or with {@code lhs - rhs} a non-zero constant multiple. Sets, bare lists and unions match member
 * for member in any order, tuples and matrices in order; a one-column or one-row matrix equals a tuple; an open
 * interval {@code (a, b)} equals the pair {@code (a, b)}. A group never equals a scalar, so {@code \{5\}} is not
 * {@code 5} and {@code \{\{5\}\}} is not {@code \{5\}}; the one exception is at the top: a scalar or assignment
 * response equals a gold set of one member ({@code 5} for the solution set {@code \{5\}}).
 */
final class Equivalence {

  static final int WANTED_POINTS = 6;
  static final int MIN_POINTS = 4;
  static final int MAX_DRAWS = 40;
  static final double RELATIVE_TOLERANCE = 1e-11;
  private static final double ABSOLUTE_TOLERANCE = 1e-14;
  /** Below this magnitude in double precision a value may be an underflowed non-zero: not evidence. */
  private static final double UNDERFLOW = 1e-300;
  private static final int MAX_VARIABLES = 16;
  /** How far {@link #isolatedSingularity} looks beside a point. */
  private static final double NUDGE = 1e-3;
  private static final Rational INEXACT_LIMIT = Rational.of(10_000_000_000L);

  private final Budget budget;
  private final SplittableRandom random;

  /**
   * @param budget the check's work allowance
   * @param seed seeds the random points; {@link #seed} derives it from the pair being compared
   */
  Equivalence(Budget budget, long seed) {
    this.budget = budget;
    this.random = new SplittableRandom(seed);
  }

  /** A seed from the two normalized answers (64-bit FNV-1a of each, combined), so the points depend on the pair. */
  static long seed(String gold, String response) {
    return fnv(gold) * 0x9E3779B97F4A7C15L ^ fnv(response);
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }

  /** Whether {@code response} equals {@code gold}; see the class comment for the rules. */
  boolean equivalent(Answer gold, Answer response) {
    if (gold instanceof Group g && g.kind() == Kind.SET && g.members().size() == 1
        && (response instanceof Answer.Scalar || response instanceof Answer.Equation)) {
      return same(g.members().get(0), response);
    }
    return same(gold, response);
  }

  private boolean same(Answer gold, Answer response) {
    budget.charge(1);
    if (gold instanceof Answer.Text g) {
      return response instanceof Answer.Text r && g.text().equalsIgnoreCase(r.text());
    }
    if (gold instanceof Answer.Scalar g) {
      return scalarEquals(g.expr(), response);
    }
    if (gold instanceof Answer.Equation g) {
      return equationEquals(g, response);
    }
    if (gold instanceof Answer.Interval g) {
      return intervalEquals(g, response);
    }
    if (gold instanceof Group g) {
      return sameGroup(g, response);
    }
    if (gold instanceof Answer.Matrix g) {
      if (response instanceof Answer.Matrix r) {
        return sameMatrix(g, r);
      }
      return response instanceof Group r && r.kind() == Kind.TUPLE
          && asVector(g).map(v -> inOrder(v, r.members())).orElse(false);
    }
    return false;
  }

  /** A scalar gold: a scalar, or an assignment whose every side after the variable equals the gold. */
  private boolean scalarEquals(Expr gold, Answer response) {
    if (response instanceof Answer.Scalar r) {
      return sameValue(gold, r.expr());
    }
    if (response instanceof Answer.Equation r && r.assigned().isPresent()) {
      for (Expr side : r.sides().subList(1, r.sides().size())) {
        if (!sameValue(gold, side)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * A gold assignment {@code v = e} accepts {@code e}, or an assignment to {@code v} whose every side equals
   * {@code e}; when {@code e} has variables ({@code y = 2x+1}) also any equation of the same line. Other gold
   * equations accept an equation with the same sides or with {@code lhs - rhs} a constant multiple of the gold's.
   */
  private boolean equationEquals(Answer.Equation g, Answer response) {
    Optional<String> variable = g.assigned();
    if (variable.isPresent()) {
      if (response instanceof Answer.Scalar r) {
        return sameValue(g.rhs(), r.expr());
      }
      if (response instanceof Answer.Equation r && r.assigned().equals(variable) && scalarEquals(g.rhs(), r)) {
        return true;
      }
      if (isConstant(g.rhs())) {
        return false; // x = 5 is the scalar 5: 2x = 10 did not solve for x
      }
    }
    if (!(response instanceof Answer.Equation r) || g.sides().size() != 2 || r.sides().size() != 2) {
      return false;
    }
    if (sameValue(g.lhs(), r.lhs()) && sameValue(g.rhs(), r.rhs())) {
      return true;
    }
    return proportional(new Expr.Binary(Expr.Op.SUB, g.lhs(), g.rhs()),
        new Expr.Binary(Expr.Op.SUB, r.lhs(), r.rhs()));
  }

  private boolean intervalEquals(Answer.Interval g, Answer response) {
    if (response instanceof Answer.Interval r) {
      return g.loEnd() == r.loEnd() && g.hiEnd() == r.hiEnd() && sameValue(g.lo(), r.lo())
          && sameValue(g.hi(), r.hi());
    }
    if (!(response instanceof Group r)) {
      return false;
    }
    if (r.kind() == Kind.UNION) {
      return r.members().size() == 1 && same(g, r.members().get(0));
    }
    return r.kind() == Kind.TUPLE && g.loEnd() == End.OPEN && g.hiEnd() == End.OPEN
        && r.members().size() == 2 && r.members().get(0) instanceof Answer.Scalar a
        && r.members().get(1) instanceof Answer.Scalar b && sameValue(g.lo(), a.expr())
        && sameValue(g.hi(), b.expr());
  }

  private boolean sameGroup(Group g, Answer response) {
    if (g.kind() == Kind.TUPLE) {
      if (response instanceof Group r && (r.kind() == Kind.TUPLE || r.kind() == Kind.LIST)) {
        return inOrder(g.members(), r.members());
      }
      if (response instanceof Answer.Matrix r) {
        return asVector(r).map(v -> inOrder(g.members(), v)).orElse(false);
      }
      return response instanceof Answer.Interval r && same(r, g);
    }
    if (response instanceof Group r && (r.kind() != Kind.TUPLE || g.kind() == Kind.LIST)) {
      boolean unionMismatch = (g.kind() == Kind.UNION) != (r.kind() == Kind.UNION);
      return !unionMismatch && anyOrder(g.members(), r.members());
    }
    return false;
  }

  private boolean inOrder(List<Answer> a, List<Answer> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!same(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Every member of each side equals some member of the other (sets: duplicates do not matter). */
  private boolean anyOrder(List<Answer> a, List<Answer> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() && b.isEmpty();
    }
    return covers(a, b) && covers(b, a);
  }

  private boolean covers(List<Answer> a, List<Answer> b) {
    for (Answer x : a) {
      boolean found = false;
      for (Answer y : b) {
        if (same(x, y)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private boolean sameMatrix(Answer.Matrix a, Answer.Matrix b) {
    if (a.rows().size() != b.rows().size()) {
      return false;
    }
    for (int i = 0; i < a.rows().size(); i++) {
      if (!inOrder(a.rows().get(i), b.rows().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static Optional<List<Answer>> asVector(Answer.Matrix m) {
    if (m.rows().size() == 1) {
      return Optional.of(m.rows().get(0));
    }
    if (m.rows().stream().allMatch(r -> r.size() == 1)) {
      return Optional.of(m.rows().stream().map(r -> r.get(0)).toList());
    }
    return Optional.empty();
  }

  /** Whether {@code a} and {@code b} have the same value (as functions of their variables). */
  boolean sameValue(Expr a, Expr b) {
    TreeSet<String> names = variables(a, b);
    if (names.isEmpty()) {
      return sameConstant(a, b);
    }
    if (names.size() > MAX_VARIABLES) {
      return false;
    }
    return atRandomPoints(names, a, b, false);
  }

  private boolean sameConstant(Expr a, Expr b) {
    Optional<Rational> ea = a.exact(budget);
    Optional<Rational> eb = b.exact(budget);
    if (ea.isPresent() && eb.isPresent()) {
      return ea.get().compareTo(eb.get()) == 0 || DecimalApproximation.roundsTo(a, eb.get())
          || DecimalApproximation.roundsTo(b, ea.get());
    }
    double x = a.eval(Map.of(), budget);
    double y = b.eval(Map.of(), budget);
    if (ea.isPresent() || eb.isPresent()) {
      Expr exactSide = ea.isPresent() ? a : b;
      Rational exact = ea.isPresent() ? ea.get() : eb.get();
      double inexact = ea.isPresent() ? y : x;
      if (DecimalApproximation.roundsTo(exactSide, inexact, RELATIVE_TOLERANCE)) {
        return true;
      }
      if (exact.abs().compareTo(INEXACT_LIMIT) >= 0) {
        return false; // a double cannot separate this integer from its neighbours
      }
    }
    if (Double.isInfinite(x) || Double.isInfinite(y)) {
      return x == y && isLiteralInfinity(a) && isLiteralInfinity(b);
    }
    return close(x, y);
  }

  /** Whether {@code a = k b} for one constant {@code k != 0} at every sample point. */
  private boolean proportional(Expr a, Expr b) {
    TreeSet<String> names = variables(a, b);
    if (names.isEmpty() || names.size() > MAX_VARIABLES) {
      return false;
    }
    return atRandomPoints(names, a, b, true);
  }

  /**
   * The random-point test: {@code a = b} at every point, or with {@code ratio}, {@code a = k b} for one
   * constant {@code k != 0} (both zero at a point says nothing about {@code k} and is drawn again).
   */
  private boolean atRandomPoints(TreeSet<String> names, Expr a, Expr b, boolean ratio) {
    Optional<Rational> exactK = Optional.empty();
    double k = Double.NaN;
    int agreeing = 0;
    Map<String, Rational> point = new HashMap<>(names.size() * 2);
    Map<String, Double> approx = new HashMap<>(names.size() * 2);
    for (int draw = 0; draw < MAX_DRAWS && agreeing < WANTED_POINTS; draw++) {
      for (String name : names) {
        Rational q = randomRational();
        point.put(name, q);
        approx.put(name, q.toDouble());
      }
      Optional<Rational> ea = a.exact(point, budget);
      Optional<Rational> eb = ea.isPresent() ? b.exact(point, budget) : Optional.empty();
      if (ea.isPresent() && eb.isPresent()) {
        if (!ratio) {
          if (ea.get().compareTo(eb.get()) != 0) {
            return false;
          }
        } else {
          int za = ea.get().signum();
          int zb = eb.get().signum();
          if (za == 0 && zb == 0) {
            continue;
          }
          if (za == 0 || zb == 0) {
            return false;
          }
          Optional<Rational> q = ea.get().divide(eb.get());
          if (q.isEmpty()) {
            continue; // too large to hold exactly: no evidence
          }
          if (exactK.isPresent() ? exactK.get().compareTo(q.get()) != 0
              : !Double.isNaN(k) && !close(k, q.get().toDouble())) {
            return false;
          }
          exactK = q;
          k = q.get().toDouble();
        }
        agreeing++;
        continue;
      }
      double x = a.eval(approx, budget);
      double y = b.eval(approx, budget);
      boolean fx = Double.isFinite(x);
      boolean fy = Double.isFinite(y);
      if (!fx && !fy) {
        continue; // outside both domains: draw again
      }
      if (fx != fy) {
        if (isolatedSingularity(names, approx, a, b)) {
          continue; // a pole of one side only (1/(y-1) at y = 1): no evidence either way
        }
        return false; // undefined on one side only, around the point too (sqrt(x)^2 at x < 0)
      }
      if (Math.abs(x) < UNDERFLOW && Math.abs(y) < UNDERFLOW) {
        continue; // both (possibly underflowed to) zero: no evidence either way
      }
      if (!ratio) {
        if (!close(x, y)) {
          return false;
        }
      } else {
        if (Math.abs(x) < UNDERFLOW || Math.abs(y) < UNDERFLOW) {
          return false;
        }
        if (Double.isNaN(k)) {
          k = x / y;
        } else if (!close(x, k * y)) {
          return false;
        }
      }
      agreeing++;
    }
    return agreeing >= MIN_POINTS;
  }

  /**
   * Whether both sides are finite at a point next to {@code at} (each coordinate moved by {@value #NUDGE}): then
   * the side that was not finite at {@code at} has an isolated singularity there, not a missing region.
   */
  private boolean isolatedSingularity(TreeSet<String> names, Map<String, Double> at, Expr a, Expr b) {
    Map<String, Double> near = new HashMap<>(names.size() * 2);
    for (String name : names) {
      near.put(name, at.get(name) + (random.nextBoolean() ? NUDGE : -NUDGE));
    }
    return Double.isFinite(a.eval(near, budget)) && Double.isFinite(b.eval(near, budget));
  }

  /** {@code ±n/d}: with probability 1/2 in {@code (0, 1]} ({@code n <= d <= 10}), else {@code n <= 30}. */
  private Rational randomRational() {
    int d = 1 + random.nextInt(10);
    int n = random.nextBoolean() ? 1 + random.nextInt(d) : 1 + random.nextInt(30);
    if (random.nextBoolean()) {
      n = -n;
    }
    return Rational.of(BigInteger.valueOf(n), BigInteger.valueOf(d)).orElseThrow();
  }

  private static boolean isConstant(Expr e) {
    TreeSet<String> names = new TreeSet<>();
    e.collectVars(names);
    return names.isEmpty();
  }

  private static TreeSet<String> variables(Expr a, Expr b) {
    TreeSet<String> names = new TreeSet<>();
    a.collectVars(names);
    b.collectVars(names);
    return names;
  }

  private static boolean close(double x, double y) {
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      return false;
    }
    return Math.abs(x - y) <= RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y)) + ABSOLUTE_TOLERANCE;
  }

  private static boolean isLiteralInfinity(Expr e) {
    return e == Expr.Constant.INFINITY || (e instanceof Expr.Neg n && isLiteralInfinity(n.operand()));
  }
}
