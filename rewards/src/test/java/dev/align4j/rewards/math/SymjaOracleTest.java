package dev.align4j.rewards.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.align4j.rewards.Verdict;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.matheclipse.core.eval.ExprEvaluator;
import org.matheclipse.core.interfaces.IExpr;

/**
 * Differential test against an independent computer algebra system, Symja (matheclipse-core, test scope only):
 * random pairs of rational functions in {@code x} and {@code y}, the second a random rewrite of the first
 * (commuting, distributing, expanding a square, turning a difference into a sum) that is sometimes also perturbed
 * (a constant off by one, a sign or an exponent changed, a variable renamed). Our verdict on the LaTeX pair must
 * match Symja's, where {@code Expand(Numerator(Together(a - b))) == 0} decides equality of rational functions
 * exactly. Pairs with a denominator that vanishes identically are skipped. Equality here is as rational
 * functions: two expressions that differ only where one of them has a pole ({@code x/x} and {@code 1}) are equal,
 * as they are for us.
 */
class SymjaOracleTest {

  static {
    // Symja logs through log4j2; without a back end log4j prints a warning on first use
    System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
  }

  private static final ExprEvaluator SYMJA = quiet(new ExprEvaluator());
  private static final MathVerifier VERIFIER = new MathVerifier();

  /** Symja prints a message for every {@code 1/0} it meets; those pairs are skipped, so the messages are noise. */
  private static ExprEvaluator quiet(ExprEvaluator evaluator) {
    PrintStream none = new PrintStream(OutputStream.nullOutputStream());
    evaluator.getEvalEngine().setQuietMode(true);
    evaluator.getEvalEngine().setOutPrintStream(none);
    evaluator.getEvalEngine().setErrorPrintStream(none);
    return evaluator;
  }

  /** A small expression tree rendered both as LaTeX (for us) and in Symja's input syntax. */
  private sealed interface Node {}

  private record Const(int value) implements Node {}

  private record Var(String name) implements Node {}

  private record Neg(Node operand) implements Node {}

  private record Bin(char op, Node left, Node right) implements Node {}

  private record Pow(Node base, int exponent) implements Node {}

  @Property(tries = 200)
  @StatisticsReport(onFailureOnly = true)
  void ourVerdictMatchesSymjaOnRationalFunctions(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
    Random random = new Random(seed);
    Node a = tree(random, 3);
    Node rewritten = rewrite(random, a, 3);
    Node b = random.nextInt(2) == 0 ? perturb(random, rewritten) : rewritten;
    Assume.that(!dividesByZero(a) && !dividesByZero(b));
    // a rational function is zero exactly when the expanded numerator of its normal form is
    IExpr together = SYMJA.eval("Expand(Numerator(Together((" + symja(a) + ")-(" + symja(b) + "))))");
    String shown = together.toString();
    boolean symjaEqual = together.isZero();
    // both verdicts must be common, or the property would say little
    Statistics.label("symja").collect(symjaEqual ? "equal" : "different");
    Statistics.label("symja").coverage(c -> {
      c.check("equal").percentage(p -> p >= 25);
      c.check("different").percentage(p -> p >= 25);
    });
    Verdict ours = VERIFIER.verify("\\boxed{" + latex(b) + "}", latex(a));
    assertEquals(symjaEqual, ours.status() == Verdict.Status.CORRECT,
        () -> "gold " + latex(a) + " | answer " + latex(b) + " | Symja numerator of a-b: " + shown + " | ours: "
            + ours.detail());
  }

  /** Whether some denominator is identically zero ({@code 1/0}, {@code x/(y-y)}): such a pair is undefined. */
  private static boolean dividesByZero(Node n) {
    if (n instanceof Bin b) {
      if (b.op() == '/' && SYMJA.eval("Together(" + symja(b.right()) + ")").isZero()) {
        return true;
      }
      return dividesByZero(b.left()) || dividesByZero(b.right());
    }
    if (n instanceof Neg neg) {
      return dividesByZero(neg.operand());
    }
    return n instanceof Pow p && dividesByZero(p.base());
  }

  private static Node tree(Random r, int depth) {
    if (depth == 0 || r.nextInt(4) == 0) {
      return r.nextInt(3) == 0 ? new Const(r.nextInt(9) - 4) : new Var(r.nextBoolean() ? "x" : "y");
    }
    return switch (r.nextInt(6)) {
      case 0 -> new Bin('+', tree(r, depth - 1), tree(r, depth - 1));
      case 1 -> new Bin('-', tree(r, depth - 1), tree(r, depth - 1));
      case 2, 3 -> new Bin('*', tree(r, depth - 1), tree(r, depth - 1));
      case 4 -> new Bin('/', tree(r, depth - 1), tree(r, depth - 1));
      default -> new Pow(tree(r, depth - 1), 2 + r.nextInt(2));
    };
  }

  /** An equal expression written differently. */
  private static Node rewrite(Random r, Node n, int depth) {
    if (depth == 0) {
      return n;
    }
    if (n instanceof Bin b) {
      Node left = rewrite(r, b.left(), depth - 1);
      Node right = rewrite(r, b.right(), depth - 1);
      int pick = r.nextInt(3);
      if (b.op() == '+' || b.op() == '*') {
        if (pick == 0) {
          return new Bin(b.op(), right, left);
        }
        if (b.op() == '*' && pick == 1 && right instanceof Bin sum && sum.op() == '+') {
          return new Bin('+', new Bin('*', left, sum.left()), new Bin('*', left, sum.right()));
        }
      }
      if (b.op() == '-' && pick == 0) {
        return new Bin('+', left, new Neg(right));
      }
      if (b.op() == '/' && pick == 0) {
        return new Bin('*', left, new Bin('/', new Const(1), right));
      }
      return new Bin(b.op(), left, right);
    }
    if (n instanceof Pow p && p.exponent() == 2 && r.nextBoolean()) {
      Node base = rewrite(r, p.base(), depth - 1);
      return new Bin('*', base, base);
    }
    if (n instanceof Neg neg) {
      return new Neg(rewrite(r, neg.operand(), depth - 1));
    }
    return n;
  }

  /** A random small change, which usually (not always: the oracle decides) changes the value. */
  private static Node perturb(Random r, Node n) {
    if (n instanceof Const c) {
      return new Const(c.value() + (r.nextBoolean() ? 1 : -1));
    }
    if (n instanceof Var v) {
      return r.nextBoolean() ? new Var(v.name().equals("x") ? "y" : "x") : new Neg(v);
    }
    if (n instanceof Neg neg) {
      return r.nextBoolean() ? neg.operand() : new Neg(perturb(r, neg.operand()));
    }
    if (n instanceof Pow p) {
      return r.nextBoolean() ? new Pow(p.base(), p.exponent() + 1) : new Pow(perturb(r, p.base()), p.exponent());
    }
    Bin b = (Bin) n;
    return switch (r.nextInt(3)) {
      case 0 -> new Bin(b.op(), perturb(r, b.left()), b.right());
      case 1 -> new Bin(b.op(), b.left(), perturb(r, b.right()));
      default -> new Bin(b.op() == '+' ? '-' : b.op() == '-' ? '+' : b.op() == '*' ? '/' : '*', b.left(), b.right());
    };
  }

  private static String latex(Node n) {
    if (n instanceof Const c) {
      return c.value() < 0 ? "(" + c.value() + ")" : Integer.toString(c.value());
    }
    if (n instanceof Var v) {
      return v.name();
    }
    if (n instanceof Neg neg) {
      return "-\\left(" + latex(neg.operand()) + "\\right)";
    }
    if (n instanceof Pow p) {
      return "\\left(" + latex(p.base()) + "\\right)^{" + p.exponent() + "}";
    }
    Bin b = (Bin) n;
    return switch (b.op()) {
      case '/' -> "\\frac{" + latex(b.left()) + "}{" + latex(b.right()) + "}";
      case '*' -> "(" + latex(b.left()) + ") \\cdot (" + latex(b.right()) + ")";
      default -> "(" + latex(b.left()) + ") " + b.op() + " (" + latex(b.right()) + ")";
    };
  }

  private static String symja(Node n) {
    if (n instanceof Const c) {
      return "(" + c.value() + ")";
    }
    if (n instanceof Var v) {
      return v.name();
    }
    if (n instanceof Neg neg) {
      return "(-(" + symja(neg.operand()) + "))";
    }
    if (n instanceof Pow p) {
      return "((" + symja(p.base()) + ")^" + p.exponent() + ")";
    }
    Bin b = (Bin) n;
    return "((" + symja(b.left()) + ")" + b.op() + "(" + symja(b.right()) + "))";
  }
}
