package dev.align4j.rewards.math;

import java.util.List;
import java.util.Objects;

/**
 * The mathematical shape of a final answer, as {@link AnswerParser} reads it. {@link Equivalence} compares two
 * answers shape by shape: sets and bare lists ignore order, tuples and matrices do not, interval ends must agree
 * on both value and openness.
 */
sealed interface Answer {

  /** One expression: {@code 3}, {@code \frac{\sqrt{3}}{2}}, {@code x^2+1}. */
  record Scalar(Expr expr) implements Answer {
    public Scalar {
      Objects.requireNonNull(expr, "expr");
    }
  }

  /**
   * {@code a = b} or a chain {@code a = b = c}: {@code x = 3}, {@code y = 2x+1}, {@code x = 2+3 = 5}.
   *
   * @param sides the two or more sides, left to right
   */
  record Equation(List<Expr> sides) implements Answer {
    public Equation {
      sides = List.copyOf(sides);
      if (sides.size() < 2) {
        throw new IllegalArgumentException("an equation has at least two sides, got " + sides.size());
      }
    }

    Expr lhs() {
      return sides.get(0);
    }

    Expr rhs() {
      return sides.get(sides.size() - 1);
    }

    /** The name of the variable when this is an assignment {@code v = …} (the left side a lone variable). */
    java.util.Optional<String> assigned() {
      return lhs() instanceof Expr.Var v ? java.util.Optional.of(v.name()) : java.util.Optional.empty();
    }
  }

  /** Whether an interval end belongs to the interval. */
  enum End { OPEN, CLOSED }

  /** {@code [lo, hi)} and friends; ends may be {@code ±\infty}. */
  record Interval(Expr lo, End loEnd, Expr hi, End hiEnd) implements Answer {
    public Interval {
      Objects.requireNonNull(lo, "lo");
      Objects.requireNonNull(loEnd, "loEnd");
      Objects.requireNonNull(hi, "hi");
      Objects.requireNonNull(hiEnd, "hiEnd");
    }
  }

  /** How the members of a {@link Group} are compared. */
  enum Kind {
    /** {@code \{1, 2\}}: order-free. */
    SET,
    /** {@code (1, 2)}: ordered. */
    TUPLE,
    /** {@code 1, 2} without brackets (MATH lists of roots): order-free. */
    LIST,
    /** {@code A \cup B}: order-free. */
    UNION
  }

  /** Several answers taken together. */
  record Group(Kind kind, List<Answer> members) implements Answer {
    public Group {
      Objects.requireNonNull(kind, "kind");
      members = List.copyOf(members);
    }
  }

  /** {@code \begin{pmatrix} … \end{pmatrix}}, row by row. */
  record Matrix(List<List<Answer>> rows) implements Answer {
    public Matrix {
      rows = rows.stream().map(List::copyOf).toList();
    }
  }

  /** A word or anything unparsed, compared as lowercase text without spaces. */
  record Text(String text) implements Answer {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }
}
