package dev.align4j.rewards.code;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A plain Python value as the trusted side sees it: the value of a call made in the sandbox (decoded from its
 * serialization) or a literal of a test (parsed here). {@link #pyEquals}, {@link #compare} and {@link #truthy}
 * follow CPython's rules for these types:
 * <ul>
 *   <li>{@code bool}, {@code int} and {@code float} compare by exact numeric value: {@code 1 == 1.0 == True},
 *       {@code 2**53 + 1 != 2.0**53}; NaN equals nothing, not even itself (CPython's identity shortcut inside
 *       containers does not apply: a decoded NaN is never the same object as the expected one);
 *   <li>{@code str} (code points), {@code bytes}; {@code list} and {@code tuple} element-wise and never equal to each
 *       other; {@code dict} by keys and values regardless of order; {@code set} and {@code frozenset} by elements
 *       (a set equals a frozenset with the same elements);
 *   <li>{@link Opaque}: a value of any other type (a class instance, a generator, complex, numpy arrays); it equals
 *       nothing, so a test can never pass by returning an object with a forged {@code __eq__}.
 * </ul>
 * {@link #hashCode()}/{@link #equals} implement the same equality (so values work as dict keys and set elements;
 * for NaN {@code equals} is identity, as CPython's dict lookup is), and {@link #repr()} renders a Python-like repr
 * for messages.
 */
public sealed interface PyValue {

  /** CPython's {@code a == b} for these types. */
  static boolean pyEquals(PyValue a, PyValue b) {
    if (a instanceof Num x && b instanceof Num y) {
      return Num.compareExact(x, y) == 0;
    }
    if (a instanceof Str x && b instanceof Str y) {
      return Arrays.equals(x.codePoints(), y.codePoints());
    }
    if (a instanceof Bytes x && b instanceof Bytes y) {
      return Arrays.equals(x.bytes(), y.bytes());
    }
    if (a instanceof Seq x && b instanceof Seq y) {
      if (x.tuple() != y.tuple() || x.items().size() != y.items().size()) {
        return false;
      }
      for (int i = 0; i < x.items().size(); i++) {
        if (!pyEquals(x.items().get(i), y.items().get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Dict x && b instanceof Dict y) {
      if (x.entries().size() != y.entries().size()) {
        return false;
      }
      for (Map.Entry<PyValue, PyValue> e : x.entries().entrySet()) {
        PyValue other = y.entries().get(e.getKey());
        if (other == null || !pyEquals(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof PySet x && b instanceof PySet y) {
      return x.items().size() == y.items().size() && y.items().containsAll(x.items());
    }
    return a instanceof None && b instanceof None;
  }

  /**
   * CPython's ordering {@code a < b} (sign of the result) for numbers, str, bytes, same-kind sequences
   * (lexicographic) and sets (subset order, where only {@code <}, {@code <=} ... of the result make sense).
   *
   * @return negative, zero or positive; {@link Order#UNORDERED} when no order holds (NaN, incomparable sets)
   * @throws IllegalArgumentException with CPython's TypeError text when the types cannot be ordered
   */
  static int compare(PyValue a, PyValue b) {
    if (a instanceof Num x && b instanceof Num y) {
      return Num.compareExact(x, y);
    }
    if (a instanceof Str x && b instanceof Str y) {
      return Arrays.compare(x.codePoints(), y.codePoints());
    }
    if (a instanceof Bytes x && b instanceof Bytes y) {
      return Arrays.compareUnsigned(x.bytes(), y.bytes());
    }
    if (a instanceof Seq x && b instanceof Seq y && x.tuple() == y.tuple()) {
      int n = Math.min(x.items().size(), y.items().size());
      for (int i = 0; i < n; i++) {
        PyValue p = x.items().get(i);
        PyValue q = y.items().get(i);
        if (!pyEquals(p, q)) {
          return compare(p, q);
        }
      }
      return Integer.compare(x.items().size(), y.items().size());
    }
    if (a instanceof PySet x && b instanceof PySet y) {
      boolean sub = y.items().containsAll(x.items());
      boolean sup = x.items().containsAll(y.items());
      return sub && sup ? 0 : sub ? -1 : sup ? 1 : Order.UNORDERED;
    }
    throw new IllegalArgumentException("TypeError: ordering not supported between instances of '" + a.typeName()
        + "' and '" + b.typeName() + "'");
  }

  /** Sentinel results of {@link #compare}. */
  final class Order {
    /** Neither less, equal nor greater: every ordering comparison is false. */
    public static final int UNORDERED = Integer.MIN_VALUE;

    private Order() {}
  }

  /** CPython's {@code bool(v)}; an {@link Opaque} value has no known truth value. */
  default boolean truthy() {
    if (this instanceof Num n) {
      return n.isFloat() ? n.asDouble() != 0.0 : n.exact().signum() != 0;
    } else if (this instanceof Str s) {
      return s.codePoints.length > 0;
    } else if (this instanceof Bytes b) {
      return b.bytes.length > 0;
    } else if (this instanceof Seq s) {
      return !s.items().isEmpty();
    } else if (this instanceof Dict d) {
      return !d.entries().isEmpty();
    } else if (this instanceof PySet s) {
      return !s.items().isEmpty();
    } else if (this instanceof Opaque o) {
      throw new IllegalArgumentException("the truth value of a '" + o.typeName()
          + "' cannot be checked outside the sandbox");
    }
    return false; // None
  }

  /** The Python type name ({@code int}, {@code list}, ...). */
  String typeName();

  /** A Python-like repr, for messages. */
  String repr();

  /** Whether CPython could hash this value (dict keys, set elements). */
  default boolean hashable() {
    if (this instanceof Seq s) {
      return s.tuple() && s.items().stream().allMatch(PyValue::hashable);
    }
    if (this instanceof PySet s) {
      return s.frozen();
    }
    return !(this instanceof Dict || this instanceof Opaque);
  }

  /** {@code None}. */
  record None() implements PyValue {
    public static final None INSTANCE = new None();

    @Override
    public String typeName() {
      return "NoneType";
    }

    @Override
    public String repr() {
      return "None";
    }
  }

  /**
   * A {@code bool}, {@code int} or {@code float}. Integers (and bools) are exact; floats are IEEE doubles.
   *
   * @param kind which of the three
   * @param integer the value when not a float
   * @param dbl the value when a float
   */
  record Num(Kind kind, BigInteger integer, double dbl) implements PyValue {
    /** The numeric types. */
    public enum Kind { BOOL, INT, FLOAT }

    public static final Num TRUE = new Num(Kind.BOOL, BigInteger.ONE, 0);
    public static final Num FALSE = new Num(Kind.BOOL, BigInteger.ZERO, 0);

    public Num {
      Objects.requireNonNull(kind, "kind");
      if (kind != Kind.FLOAT) {
        Objects.requireNonNull(integer, "integer");
      }
    }

    public static Num ofInt(BigInteger v) {
      return new Num(Kind.INT, v, 0);
    }

    public static Num ofInt(long v) {
      return ofInt(BigInteger.valueOf(v));
    }

    public static Num ofFloat(double v) {
      return new Num(Kind.FLOAT, null, v);
    }

    public static Num ofBool(boolean v) {
      return v ? TRUE : FALSE;
    }

    public boolean isFloat() {
      return kind == Kind.FLOAT;
    }

    /** The exact integer value (bools as 0/1); only for non-floats. */
    public BigInteger exact() {
      if (isFloat()) {
        throw new IllegalStateException("a float has no exact integer value");
      }
      return integer;
    }

    /** CPython's {@code float(x)}: exact for floats, correctly rounded for ints. */
    public double asDouble() {
      if (isFloat()) {
        return dbl;
      }
      double d = integer.doubleValue();
      if (Double.isInfinite(d)) {
        throw new IllegalArgumentException("OverflowError: int too large to convert to float");
      }
      return d;
    }

    /** Exact comparison as CPython does it between ints and floats; {@link Order#UNORDERED} with a NaN. */
    static int compareExact(Num a, Num b) {
      if (!a.isFloat() && !b.isFloat()) {
        return a.integer.compareTo(b.integer);
      }
      if (a.isFloat() && b.isFloat()) {
        if (Double.isNaN(a.dbl) || Double.isNaN(b.dbl)) {
          return Order.UNORDERED;
        }
        return a.dbl < b.dbl ? -1 : a.dbl > b.dbl ? 1 : 0; // -0.0 == 0.0
      }
      Num f = a.isFloat() ? a : b;
      Num i = a.isFloat() ? b : a;
      int sign = a.isFloat() ? 1 : -1; // orientation: result is for compare(float, int)
      double d = f.dbl;
      int c;
      if (Double.isNaN(d)) {
        return Order.UNORDERED;
      } else if (Double.isInfinite(d)) {
        c = d > 0 ? 1 : -1;
      } else {
        c = new BigDecimal(d).compareTo(new BigDecimal(i.integer));
      }
      return sign * c;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Num other)) {
        return false;
      }
      if (this == other) {
        return true;
      }
      return compareExact(this, other) == 0;
    }

    @Override
    public int hashCode() {
      // equal values must hash alike across kinds: integral floats hash like the integer
      if (!isFloat()) {
        return integer.hashCode();
      }
      if (Double.isFinite(dbl) && dbl == Math.rint(dbl)) {
        return new BigDecimal(dbl).toBigIntegerExact().hashCode();
      }
      return Double.hashCode(dbl == 0.0 ? 0.0 : dbl);
    }

    @Override
    public String typeName() {
      return switch (kind) {
        case BOOL -> "bool";
        case INT -> "int";
        case FLOAT -> "float";
      };
    }

    @Override
    public String repr() {
      return switch (kind) {
        case BOOL -> integer.signum() != 0 ? "True" : "False";
        case INT -> integer.bitLength() > 4000 ? "<int of " + integer.bitLength() + " bits>" : integer.toString();
        case FLOAT -> Double.isNaN(dbl) ? "nan" : Double.isInfinite(dbl) ? (dbl > 0 ? "inf" : "-inf")
            : Double.toString(dbl).replace("E", "e");
      };
    }

    @Override
    public String toString() {
      return repr();
    }
  }

  /** A {@code str}, as its code points (lone surrogates included, as CPython allows). */
  record Str(int[] codePoints) implements PyValue {
    public Str {
      codePoints = codePoints.clone();
    }

    public static Str of(String s) {
      return new Str(s.codePoints().toArray());
    }

    @Override
    public int[] codePoints() {
      return codePoints.clone();
    }

    /** The text (lone surrogates survive as lone chars). */
    public String text() {
      StringBuilder b = new StringBuilder(codePoints.length);
      for (int cp : codePoints) {
        b.appendCodePoint(cp);
      }
      return b.toString();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Str s && Arrays.equals(codePoints, s.codePoints);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(codePoints);
    }

    @Override
    public String typeName() {
      return "str";
    }

    @Override
    public String repr() {
      return PyLiterals.quote(codePoints);
    }

    @Override
    public String toString() {
      return repr();
    }
  }

  /** A {@code bytes} (or {@code bytearray}, which compares equal to bytes). */
  record Bytes(byte[] bytes) implements PyValue {
    public Bytes {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String typeName() {
      return "bytes";
    }

    @Override
    public String repr() {
      return PyLiterals.quoteBytes(bytes);
    }

    @Override
    public String toString() {
      return repr();
    }
  }

  /** A {@code list} or a {@code tuple}. */
  record Seq(boolean tuple, List<PyValue> items) implements PyValue {
    public Seq {
      items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Seq s && s.tuple == tuple && identityOrEqual(items, s.items);
    }

    @Override
    public int hashCode() {
      return items.hashCode() * 31 + (tuple ? 1 : 0);
    }

    @Override
    public String typeName() {
      return tuple ? "tuple" : "list";
    }

    @Override
    public String repr() {
      StringBuilder b = new StringBuilder(tuple ? "(" : "[");
      for (int i = 0; i < items.size(); i++) {
        b.append(i > 0 ? ", " : "").append(items.get(i).repr());
      }
      if (tuple && items.size() == 1) {
        b.append(',');
      }
      return b.append(tuple ? ")" : "]").toString();
    }

    @Override
    public String toString() {
      return repr();
    }
  }

  /** A {@code dict}; keys are hashable values, unique under Python equality (first key kept, last value wins). */
  record Dict(Map<PyValue, PyValue> entries) implements PyValue {
    public Dict {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Dict d && entries.equals(d.entries);
    }

    @Override
    public int hashCode() {
      return entries.hashCode();
    }

    @Override
    public String typeName() {
      return "dict";
    }

    @Override
    public String repr() {
      StringBuilder b = new StringBuilder("{");
      String sep = "";
      for (Map.Entry<PyValue, PyValue> e : entries.entrySet()) {
        b.append(sep).append(e.getKey().repr()).append(": ").append(e.getValue().repr());
        sep = ", ";
      }
      return b.append('}').toString();
    }

    @Override
    public String toString() {
      return repr();
    }
  }

  /** A {@code set} or a {@code frozenset} of hashable values. */
  record PySet(boolean frozen, Set<PyValue> items) implements PyValue {
    public PySet {
      items = Collections.unmodifiableSet(new LinkedHashSet<>(items));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PySet s && items.equals(s.items);
    }

    @Override
    public int hashCode() {
      return items.hashCode();
    }

    @Override
    public String typeName() {
      return frozen ? "frozenset" : "set";
    }

    @Override
    public String repr() {
      if (items.isEmpty()) {
        return frozen ? "frozenset()" : "set()";
      }
      StringBuilder b = new StringBuilder(frozen ? "frozenset({" : "{");
      String sep = "";
      for (PyValue v : items) {
        b.append(sep).append(v.repr());
        sep = ", ";
      }
      return b.append(frozen ? "})" : "}").toString();
    }

    @Override
    public String toString() {
      return repr();
    }
  }

  /** A value of a type the trusted side does not model; it equals nothing. */
  record Opaque(String typeName) implements PyValue {
    public Opaque {
      Objects.requireNonNull(typeName, "typeName");
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public String repr() {
      return "<" + typeName + " object>";
    }

    @Override
    public String toString() {
      return repr();
    }
  }

  private static boolean identityOrEqual(List<PyValue> a, List<PyValue> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
