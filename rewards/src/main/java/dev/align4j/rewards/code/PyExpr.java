package dev.align4j.rewards.code;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * The Python expressions that tests may use, as parsed by {@link PyParser}: literals, names, attribute access,
 * calls, subscripts, list/tuple/set/dict displays, arithmetic, comparisons and {@code not}/{@code and}/{@code or}.
 * Anything else (lambdas, comprehensions, conditional expressions, f-strings, walrus, starred displays) is refused by
 * the parser. {@link #source()} renders an expression back as canonical Python source: fully parenthesized, with
 * ASCII-only literals and no comments, so the text sent into the sandbox carries nothing but the expression itself.
 */
sealed interface PyExpr {

  /** Canonical Python source for this expression. */
  String source();

  /** A literal: number, string, bytes, {@code True}, {@code False}, {@code None}. */
  record Const(PyValue value) implements PyExpr {
    @Override
    public String source() {
      if (value instanceof PyValue.Num n && !n.isFloat() && n.kind() == PyValue.Num.Kind.INT) {
        BigInteger v = n.exact();
        // decimal literals of more than 4300 digits are refused by CPython >= 3.11; hex has no such limit
        String digits = v.bitLength() > 12_000 ? "0x" + v.abs().toString(16) : v.abs().toString();
        return v.signum() < 0 ? "(-" + digits + ")" : digits;
      }
      if (value instanceof PyValue.Num n && n.isFloat()) {
        double d = n.asDouble(); // a literal is never NaN, but 1e400 is inf
        String text = Double.isInfinite(d) ? "1e999" : Double.toString(Math.abs(d));
        return d < 0 || (d == 0 && 1 / d < 0) ? "(-" + text + ")" : text;
      }
      return value.repr();
    }
  }

  /** A bare name ({@code f}, {@code sorted}, {@code x}). */
  record Name(String id) implements PyExpr {
    @Override
    public String source() {
      return id;
    }
  }

  /** {@code object.name}. */
  record Attribute(PyExpr object, String name) implements PyExpr {
    @Override
    public String source() {
      return object.source() + "." + name;
    }
  }

  /** One argument of a call: positional, {@code *iterable}, {@code name=value} or {@code **mapping}. */
  record Arg(Kind kind, Optional<String> keyword, PyExpr value) {
    /** The argument forms. */
    enum Kind { POSITIONAL, STAR, KEYWORD, DOUBLE_STAR }

    String source() {
      return switch (kind) {
        case POSITIONAL -> value.source();
        case STAR -> "*" + value.source();
        case KEYWORD -> keyword.orElseThrow() + "=" + value.source();
        case DOUBLE_STAR -> "**" + value.source();
      };
    }
  }

  /** {@code function(args)}. */
  record Call(PyExpr function, List<Arg> args) implements PyExpr {
    public Call {
      args = List.copyOf(args);
    }

    @Override
    public String source() {
      StringBuilder b = new StringBuilder(function.source()).append('(');
      for (int i = 0; i < args.size(); i++) {
        b.append(i > 0 ? ", " : "").append(args.get(i).source());
      }
      return b.append(')').toString();
    }
  }

  /** {@code object[index]}; the index may be a {@link Slice} or a tuple of them. */
  record Subscript(PyExpr object, PyExpr index) implements PyExpr {
    @Override
    public String source() {
      String i = index instanceof Display d && d.kind() == Display.Kind.TUPLE && !d.items().isEmpty()
          ? d.itemsSource() : index.source();
      return object.source() + "[" + i + "]";
    }
  }

  /** {@code lower:upper:step} inside a subscript. */
  record Slice(Optional<PyExpr> lower, Optional<PyExpr> upper, Optional<PyExpr> step) implements PyExpr {
    @Override
    public String source() {
      return lower.map(PyExpr::source).orElse("") + ":" + upper.map(PyExpr::source).orElse("") + ":"
          + step.map(PyExpr::source).orElse("");
    }
  }

  /** A list, tuple or set display. */
  record Display(Kind kind, List<PyExpr> items) implements PyExpr {
    /** Which display. */
    enum Kind { LIST, TUPLE, SET }

    public Display {
      items = List.copyOf(items);
    }

    String itemsSource() {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < items.size(); i++) {
        b.append(i > 0 ? ", " : "").append(items.get(i).source());
      }
      if (kind == Kind.TUPLE && items.size() == 1) {
        b.append(',');
      }
      return b.toString();
    }

    @Override
    public String source() {
      return switch (kind) {
        case LIST -> "[" + itemsSource() + "]";
        case TUPLE -> "(" + itemsSource() + ")";
        case SET -> "{" + itemsSource() + "}";
      };
    }
  }

  /** A dict display {@code {k: v, ...}}. */
  record DictDisplay(List<PyExpr> keys, List<PyExpr> values) implements PyExpr {
    public DictDisplay {
      keys = List.copyOf(keys);
      values = List.copyOf(values);
      if (keys.size() != values.size()) {
        throw new IllegalArgumentException("keys and values differ in length");
      }
    }

    @Override
    public String source() {
      StringBuilder b = new StringBuilder("{");
      for (int i = 0; i < keys.size(); i++) {
        b.append(i > 0 ? ", " : "").append(keys.get(i).source()).append(": ").append(values.get(i).source());
      }
      return b.append('}').toString();
    }
  }

  /** {@code -x}, {@code +x}, {@code ~x}, {@code not x}. */
  record Unary(Op op, PyExpr operand) implements PyExpr {
    /** Unary operators. */
    enum Op {
      NEG("-"), POS("+"), INVERT("~"), NOT("not ");

      final String symbol;

      Op(String symbol) {
        this.symbol = symbol;
      }
    }

    @Override
    public String source() {
      return "(" + op.symbol + operand.source() + ")";
    }
  }

  /** Binary arithmetic. */
  record Binary(Op op, PyExpr left, PyExpr right) implements PyExpr {
    /** Binary operators. */
    enum Op {
      ADD("+"), SUB("-"), MUL("*"), DIV("/"), FLOOR_DIV("//"), MOD("%"), POW("**");

      final String symbol;

      Op(String symbol) {
        this.symbol = symbol;
      }
    }

    @Override
    public String source() {
      return "(" + left.source() + " " + op.symbol + " " + right.source() + ")";
    }
  }

  /** A comparison chain {@code a op1 b op2 c ...} (= {@code a op1 b and b op2 c}, b evaluated once). */
  record Compare(List<PyExpr> operands, List<CmpOp> ops) implements PyExpr {
    /** Comparison operators. */
    enum CmpOp {
      EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in"), NOT_IN("not in"), IS("is"),
      IS_NOT("is not");

      final String symbol;

      CmpOp(String symbol) {
        this.symbol = symbol;
      }
    }

    public Compare {
      operands = List.copyOf(operands);
      ops = List.copyOf(ops);
      if (operands.size() != ops.size() + 1) {
        throw new IllegalArgumentException("a comparison chain needs one operand more than operators");
      }
    }

    @Override
    public String source() {
      StringBuilder b = new StringBuilder("(").append(operands.get(0).source());
      for (int i = 0; i < ops.size(); i++) {
        b.append(' ').append(ops.get(i).symbol).append(' ').append(operands.get(i + 1).source());
      }
      return b.append(')').toString();
    }
  }

  /** {@code a and b and ...} or {@code a or b or ...}. */
  record BoolOp(boolean and, List<PyExpr> operands) implements PyExpr {
    public BoolOp {
      operands = List.copyOf(operands);
    }

    @Override
    public String source() {
      StringBuilder b = new StringBuilder("(");
      for (int i = 0; i < operands.size(); i++) {
        b.append(i > 0 ? (and ? " and " : " or ") : "").append(operands.get(i).source());
      }
      return b.append(')').toString();
    }
  }
}
