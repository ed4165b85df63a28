package dev.align4j.rewards.code;

import dev.align4j.rewards.code.PyValue.Bytes;
import dev.align4j.rewards.code.PyValue.Dict;
import dev.align4j.rewards.code.PyValue.Num;
import dev.align4j.rewards.code.PyValue.PySet;
import dev.align4j.rewards.code.PyValue.Seq;
import dev.align4j.rewards.code.PyValue.Str;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CPython's operators and the few builtins a test may apply outside the sandbox, on {@link PyValue}s: arithmetic on
 * bool/int/float (exact integers, IEEE doubles, CPython's float floor division and modulo), concatenation and
 * repetition of str/bytes/list/tuple, comparisons, membership, {@code abs}, {@code math.isclose} and the
 * constructors {@code set frozenset list tuple dict float}. What CPython would raise (TypeError, ZeroDivisionError,
 * OverflowError) is an {@link IllegalArgumentException} with CPython's error name, so the test fails as it would in
 * Python. A few exact-but-costly cases are refused instead of approximated: float {@code **}, int {@code /} int
 * beyond 2^53, results above {@value #MAX_ITEMS} items or {@value #MAX_BITS} bits.
 */
final class PyOps {
  static final int MAX_ITEMS = 10_000_000;
  static final int MAX_BITS = 1_000_000;
  private static final BigInteger TWO_53 = BigInteger.ONE.shiftLeft(53);
  private static final Pattern FLOAT_TEXT = Pattern.compile(
      "[+-]?(?:(?:[0-9](?:_?[0-9])*)?(?:\\.(?:[0-9](?:_?[0-9])*)?)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
          + "|inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

  private PyOps() {}

  /** A case this evaluator does not model exactly (CPython would compute it): the test is refused, not failed. */
  static final class Unsupported extends IllegalArgumentException {
    Unsupported(String message) {
      super(message);
    }
  }

  static PyValue binary(PyExpr.Binary.Op op, PyValue a, PyValue b) {
    if (a instanceof Num x && b instanceof Num y) {
      return numeric(op, x, y);
    }
    if (op == PyExpr.Binary.Op.ADD) {
      if (a instanceof Str x && b instanceof Str y) {
        int[] p = x.codePoints();
        int[] q = y.codePoints();
        checkSize((long) p.length + q.length);
        int[] both = Arrays.copyOf(p, p.length + q.length);
        System.arraycopy(q, 0, both, p.length, q.length);
        return new Str(both);
      }
      if (a instanceof Bytes x && b instanceof Bytes y) {
        byte[] p = x.bytes();
        byte[] q = y.bytes();
        checkSize((long) p.length + q.length);
        byte[] both = Arrays.copyOf(p, p.length + q.length);
        System.arraycopy(q, 0, both, p.length, q.length);
        return new Bytes(both);
      }
      if (a instanceof Seq x && b instanceof Seq y && x.tuple() == y.tuple()) {
        checkSize((long) x.items().size() + y.items().size());
        List<PyValue> both = new ArrayList<>(x.items());
        both.addAll(y.items());
        return new Seq(x.tuple(), both);
      }
    }
    if (op == PyExpr.Binary.Op.MUL) {
      if (b instanceof Num n && !n.isFloat() && isSequence(a)) {
        return repeat(a, n);
      }
      if (a instanceof Num n && !n.isFloat() && isSequence(b)) {
        return repeat(b, n);
      }
    }
    throw typeError("unsupported operand type(s) for " + op.symbol + ": '" + a.typeName() + "' and '"
        + b.typeName() + "'");
  }

  private static boolean isSequence(PyValue v) {
    return v instanceof Str || v instanceof Bytes || v instanceof Seq;
  }

  private static PyValue repeat(PyValue seq, Num times) {
    long n = times.exact().signum() <= 0 ? 0 : times.exact().min(BigInteger.valueOf(MAX_ITEMS + 1L)).longValue();
    if (seq instanceof Str s) {
      int[] p = s.codePoints();
      checkSize(p.length * n);
      int[] out = new int[(int) (p.length * n)];
      for (int i = 0; i < n; i++) {
        System.arraycopy(p, 0, out, i * p.length, p.length);
      }
      return new Str(out);
    }
    if (seq instanceof Bytes b) {
      byte[] p = b.bytes();
      checkSize(p.length * n);
      byte[] out = new byte[(int) (p.length * n)];
      for (int i = 0; i < n; i++) {
        System.arraycopy(p, 0, out, i * p.length, p.length);
      }
      return new Bytes(out);
    }
    if (seq instanceof Seq s) {
      checkSize(s.items().size() * n);
      List<PyValue> out = new ArrayList<>((int) (s.items().size() * n));
      for (int i = 0; i < n; i++) {
        out.addAll(s.items());
      }
      return new Seq(s.tuple(), out);
    }
    throw typeError("can't multiply sequence by non-int of type '" + seq.typeName() + "'");
  }

  private static PyValue numeric(PyExpr.Binary.Op op, Num x, Num y) {
    if (x.isFloat() || y.isFloat()) {
      double a = x.asDouble();
      double b = y.asDouble();
      return switch (op) {
        case ADD -> Num.ofFloat(a + b);
        case SUB -> Num.ofFloat(a - b);
        case MUL -> Num.ofFloat(a * b);
        case DIV -> {
          if (b == 0) {
            throw new IllegalArgumentException("ZeroDivisionError: float division by zero");
          }
          yield Num.ofFloat(a / b);
        }
        case FLOOR_DIV -> Num.ofFloat(floatDivmod(a, b)[0]);
        case MOD -> Num.ofFloat(floatDivmod(a, b)[1]);
        case POW -> throw new Unsupported("float ** cannot be evaluated outside the sandbox exactly as CPython does;"
            + " compare with math.isclose or a literal");
      };
    }
    BigInteger a = x.exact();
    BigInteger b = y.exact();
    return switch (op) {
      case ADD -> Num.ofInt(a.add(b));
      case SUB -> Num.ofInt(a.subtract(b));
      case MUL -> {
        if ((long) a.bitLength() + b.bitLength() > MAX_BITS) {
          throw new Unsupported("the product is too large to evaluate outside the sandbox");
        }
        yield Num.ofInt(a.multiply(b));
      }
      case DIV -> {
        if (b.signum() == 0) {
          throw new IllegalArgumentException("ZeroDivisionError: division by zero");
        }
        if (a.abs().compareTo(TWO_53) > 0 || b.abs().compareTo(TWO_53) > 0) {
          throw new Unsupported("int / int beyond 2**53 is not evaluated outside the sandbox");
        }
        yield Num.ofFloat(a.doubleValue() / b.doubleValue()); // both exact: one correctly rounded division
      }
      case FLOOR_DIV -> Num.ofInt(floorDivmod(a, b)[0]);
      case MOD -> Num.ofInt(floorDivmod(a, b)[1]);
      case POW -> {
        if (b.signum() < 0) {
          throw new Unsupported("int ** negative int (a float) is not evaluated outside the sandbox");
        }
        if (a.abs().compareTo(BigInteger.ONE) <= 0) { // -1, 0 or 1: any exponent is cheap
          yield Num.ofInt(b.signum() == 0 || a.signum() > 0 || (a.signum() < 0 && !b.testBit(0)) ? BigInteger.ONE
              : a.signum() == 0 ? BigInteger.ZERO : BigInteger.ONE.negate());
        }
        if (b.bitLength() > 31 || (long) a.bitLength() * b.longValue() > MAX_BITS) {
          throw new Unsupported("the power is too large to evaluate outside the sandbox");
        }
        yield Num.ofInt(a.pow(b.intValueExact()));
      }
    };
  }

  /** CPython's int floor division and modulo (the remainder takes the divisor's sign). */
  private static BigInteger[] floorDivmod(BigInteger a, BigInteger b) {
    if (b.signum() == 0) {
      throw new IllegalArgumentException("ZeroDivisionError: integer division or modulo by zero");
    }
    BigInteger[] qr = a.divideAndRemainder(b);
    if (qr[1].signum() != 0 && qr[1].signum() != b.signum()) {
      qr[0] = qr[0].subtract(BigInteger.ONE);
      qr[1] = qr[1].add(b);
    }
    return qr;
  }

  /** CPython's float_divmod (Objects/floatobject.c). */
  private static double[] floatDivmod(double vx, double wx) {
    if (wx == 0.0) {
      throw new IllegalArgumentException("ZeroDivisionError: float floor division by zero");
    }
    double mod = vx % wx; // Java's % on doubles is C's fmod
    double div = (vx - mod) / wx;
    if (mod != 0) {
      if ((wx < 0) != (mod < 0)) {
        mod += wx;
        div -= 1.0;
      }
    } else {
      mod = Math.copySign(0.0, wx);
    }
    double floordiv;
    if (div != 0) {
      floordiv = Math.floor(div);
      if (div - floordiv > 0.5) {
        floordiv += 1.0;
      }
    } else {
      floordiv = Math.copySign(0.0, vx / wx);
    }
    return new double[] {floordiv, mod};
  }

  static PyValue unary(PyExpr.Unary.Op op, PyValue v) {
    if (op == PyExpr.Unary.Op.NOT) {
      return Num.ofBool(!v.truthy());
    }
    if (!(v instanceof Num n)) {
      throw typeError("bad operand type for unary " + op.symbol + ": '" + v.typeName() + "'");
    }
    return switch (op) {
      case NEG -> n.isFloat() ? Num.ofFloat(-n.asDouble()) : Num.ofInt(n.exact().negate());
      case POS -> n.isFloat() ? n : Num.ofInt(n.exact());
      case INVERT -> {
        if (n.isFloat()) {
          throw typeError("bad operand type for unary ~: 'float'");
        }
        yield Num.ofInt(n.exact().not());
      }
      case NOT -> throw new IllegalStateException("handled above");
    };
  }

  static PyValue abs(PyValue v) {
    if (!(v instanceof Num n)) {
      throw typeError("bad operand type for abs(): '" + v.typeName() + "'");
    }
    return n.isFloat() ? Num.ofFloat(Math.abs(n.asDouble())) : Num.ofInt(n.exact().abs());
  }

  /** One comparison {@code a op b}. */
  static boolean compare(PyExpr.Compare.CmpOp op, PyValue a, PyValue b) {
    return switch (op) {
      case EQ -> PyValue.pyEquals(a, b);
      case NE -> !PyValue.pyEquals(a, b);
      case LT, LE, GT, GE -> {
        int c = PyValue.compare(a, b);
        if (c == PyValue.Order.UNORDERED) {
          yield false;
        }
        yield switch (op) {
          case LT -> c < 0;
          case LE -> c <= 0;
          case GT -> c > 0;
          default -> c >= 0;
        };
      }
      case IN -> contains(b, a);
      case NOT_IN -> !contains(b, a);
      case IS -> same(a, b);
      case IS_NOT -> !same(a, b);
    };
  }

  /** {@code x is y} where one side is None, True or False (the only identities a test may check). */
  private static boolean same(PyValue a, PyValue b) {
    if (a instanceof PyValue.None || b instanceof PyValue.None) {
      return a instanceof PyValue.None && b instanceof PyValue.None;
    }
    return a instanceof Num x && b instanceof Num y && x.kind() == Num.Kind.BOOL && y.kind() == Num.Kind.BOOL
        && x.exact().equals(y.exact());
  }

  private static boolean contains(PyValue container, PyValue element) {
    PyValue item = container instanceof PySet && element instanceof PySet s && !s.frozen()
        ? new PySet(true, s.items()) : element; // set.__contains__ retries a set as a frozenset
    if (container instanceof Seq s) {
      return s.items().stream().anyMatch(v -> PyValue.pyEquals(v, item));
    }
    if (container instanceof PySet || container instanceof Dict) {
      if (!item.hashable()) {
        throw typeError("unhashable type: '" + item.typeName() + "'");
      }
      return container instanceof PySet s ? s.items().contains(item) : ((Dict) container).entries().containsKey(item);
    }
    if (container instanceof Str s) {
      if (!(item instanceof Str sub)) {
        throw typeError("'in <string>' requires string as left operand, not " + item.typeName());
      }
      return indexOf(s.codePoints(), sub.codePoints()) >= 0;
    }
    if (container instanceof Bytes b) {
      int[] hay = toInts(b.bytes());
      if (item instanceof Num n && !n.isFloat()) {
        if (n.exact().signum() < 0 || n.exact().bitLength() > 8) {
          throw new IllegalArgumentException("ValueError: byte must be in range(0, 256)");
        }
        return indexOf(hay, new int[] {n.exact().intValue()}) >= 0;
      }
      if (item instanceof Bytes needle) {
        return indexOf(hay, toInts(needle.bytes())) >= 0;
      }
    }
    throw typeError("argument of type '" + container.typeName() + "' is not iterable");
  }

  private static int[] toInts(byte[] bytes) {
    int[] out = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i] & 0xFF;
    }
    return out;
  }

  private static int indexOf(int[] hay, int[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** CPython's math.isclose (Modules/mathmodule.c, math_isclose_impl). */
  static boolean isClose(PyValue a, PyValue b, double relTol, double absTol) {
    if (relTol < 0 || absTol < 0) {
      throw new IllegalArgumentException("ValueError: tolerances must be non-negative");
    }
    if (!(a instanceof Num x) || !(b instanceof Num y)) {
      throw typeError("must be real number, not " + (a instanceof Num ? b : a).typeName());
    }
    double p = x.asDouble();
    double q = y.asDouble();
    if (p == q) {
      return true;
    }
    if (Double.isInfinite(p) || Double.isInfinite(q)) {
      return false;
    }
    double diff = Math.abs(q - p);
    return diff <= Math.abs(relTol * q) || diff <= Math.abs(relTol * p) || diff <= absTol;
  }

  /** {@code set frozenset list tuple dict float} applied to already evaluated arguments. */
  static PyValue construct(String name, List<PyValue> args) {
    if (args.size() > 1) {
      throw typeError(name + "() takes at most 1 argument (" + args.size() + " given)");
    }
    switch (name) {
      case "float" -> {
        if (args.isEmpty()) {
          return Num.ofFloat(0.0);
        }
        PyValue v = args.get(0);
        if (v instanceof Num n) {
          return Num.ofFloat(n.asDouble());
        }
        if (v instanceof Str s) {
          return Num.ofFloat(parseFloat(s.text()));
        }
        throw typeError("float() argument must be a string or a real number, not '" + v.typeName() + "'");
      }
      case "dict" -> {
        Map<PyValue, PyValue> out = new LinkedHashMap<>();
        if (!args.isEmpty()) {
          if (args.get(0) instanceof Dict d) {
            out.putAll(d.entries());
          } else {
            for (PyValue pair : iterate(args.get(0))) {
              List<PyValue> kv = iterate(pair);
              if (kv.size() != 2) {
                throw new IllegalArgumentException("ValueError: dictionary update sequence element has length "
                    + kv.size() + "; 2 is required");
              }
              put(out, kv.get(0), kv.get(1));
            }
          }
        }
        return new Dict(out);
      }
      default -> {
        List<PyValue> items = args.isEmpty() ? List.of() : iterate(args.get(0));
        return switch (name) {
          case "list" -> new Seq(false, items);
          case "tuple" -> new Seq(true, items);
          case "set", "frozenset" -> set(name.equals("frozenset"), items);
          default -> throw new IllegalArgumentException("no builtin " + name + " outside the sandbox");
        };
      }
    }
  }

  static PySet set(boolean frozen, List<PyValue> items) {
    Set<PyValue> out = new LinkedHashSet<>();
    for (PyValue v : items) {
      if (!v.hashable()) {
        throw typeError("unhashable type: '" + v.typeName() + "'");
      }
      out.add(v);
    }
    return new PySet(frozen, out);
  }

  /** CPython's dict insertion: the first equal key stays, the last value wins. */
  static void put(Map<PyValue, PyValue> map, PyValue key, PyValue value) {
    if (!key.hashable()) {
      throw typeError("unhashable type: '" + key.typeName() + "'");
    }
    map.put(key, value);
  }

  private static List<PyValue> iterate(PyValue v) {
    if (v instanceof Seq s) {
      return s.items();
    }
    if (v instanceof PySet s) {
      return new ArrayList<>(s.items());
    }
    if (v instanceof Dict d) {
      return new ArrayList<>(d.entries().keySet());
    }
    if (v instanceof Str s) {
      List<PyValue> out = new ArrayList<>();
      for (int cp : s.codePoints()) {
        out.add(new Str(new int[] {cp}));
      }
      return out;
    }
    if (v instanceof Bytes b) {
      List<PyValue> out = new ArrayList<>();
      for (byte x : b.bytes()) {
        out.add(Num.ofInt(x & 0xFF));
      }
      return out;
    }
    throw typeError("'" + v.typeName() + "' object is not iterable");
  }

  private static double parseFloat(String text) {
    String t = text.strip();
    if (!FLOAT_TEXT.matcher(t).matches() || t.isEmpty() || t.matches("[+-]?\\.?")
        || t.matches("(?i)[+-]?\\.?e.*")) {
      throw new IllegalArgumentException("ValueError: could not convert string to float: '" + text + "'");
    }
    String lower = t.toLowerCase(Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    double sign = lower.startsWith("-") ? -1 : 1;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    return Double.parseDouble(t.replace("_", ""));
  }

  private static void checkSize(long n) {
    if (n > MAX_ITEMS) {
      throw new Unsupported("the result is too large to evaluate outside the sandbox");
    }
  }

  private static IllegalArgumentException typeError(String message) {
    return new IllegalArgumentException("TypeError: " + message);
  }
}
