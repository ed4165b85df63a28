package dev.align4j.policies.text.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, ensure_ascii=False, indent=..., separators=..., sort_keys=...)} over Java values
 * ({@link Map}, {@link Collection}, {@link String}, {@link Number}, {@link Boolean}, {@code null}): the text the
 * {@code tojson} filter of {@code transformers}' chat template environment writes.
 *
 * <p>Format: without {@code indent} the separators are {@code ", "} and {@code ": "}; with an indent they are
 * {@code ","} and {@code ": "} and each item goes on its own line, indented by {@code indent} spaces (or the indent
 * string) per level; empty containers stay {@code []} and {@code {}}. Strings escape {@code "}, <code>&#92;</code>,
 * <code>&#92;b &#92;f &#92;n &#92;r &#92;t</code> and other code points below U+0020 as <code>&#92;u00xx</code>; everything else is written as is.
 * Floats are written as Python's {@code repr}: shortest round-trip digits, exponent form below 1e-4 and from 1e16
 * ({@code 1e-07}, {@code 1e+16}), {@code NaN}, {@code Infinity}.
 */
public final class PyJson {
  private PyJson() {}

  /** {@code json.dumps(value, ensure_ascii=False)}. */
  public static String dumps(Object value) {
    return dumps(value, null, null, null, false);
  }

  /**
   * @param indent {@code null}, a number of spaces, or an indent string
   * @param itemSeparator {@code null} for Python's default
   * @param keySeparator {@code null} for Python's default
   */
  public static String dumps(Object value, Object indent, String itemSeparator, String keySeparator, boolean sortKeys) {
    String unit = indent == null ? null
        : indent instanceof Number n ? " ".repeat(Math.max(0, n.intValue())) : indent.toString();
    String items = itemSeparator != null ? itemSeparator : unit == null ? ", " : ",";
    String keys = keySeparator != null ? keySeparator : ": ";
    StringBuilder out = new StringBuilder();
    write(out, value, unit, items, keys, sortKeys, 0);
    return out.toString();
  }

  private static void write(StringBuilder out, Object v, String unit, String items, String keys, boolean sort, int depth) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof CharSequence s) {
      string(out, s.toString());
    } else if (v instanceof Double || v instanceof Float) {
      out.append(floatRepr(((Number) v).doubleValue()));
    } else if (v instanceof BigDecimal d) {
      out.append(floatRepr(d.doubleValue()));
    } else if (v instanceof Number n) {
      out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
    } else if (v instanceof Map<?, ?> map) {
      List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
      if (sort) {
        entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
      }
      if (entries.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append('{');
      for (int i = 0; i < entries.size(); i++) {
        if (i > 0) {
          out.append(items);
        }
        newline(out, unit, depth + 1);
        string(out, String.valueOf(entries.get(i).getKey()));
        out.append(keys);
        write(out, entries.get(i).getValue(), unit, items, keys, sort, depth + 1);
      }
      newline(out, unit, depth);
      out.append('}');
    } else if (v instanceof Collection<?> || v instanceof Object[]) {
      Collection<?> list = v instanceof Object[] array ? List.of(array) : (Collection<?>) v;
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      int i = 0;
      for (Object item : list) {
        if (i++ > 0) {
          out.append(items);
        }
        newline(out, unit, depth + 1);
        write(out, item, unit, items, keys, sort, depth + 1);
      }
      newline(out, unit, depth);
      out.append(']');
    } else {
      throw new IllegalArgumentException("Object of type " + v.getClass().getSimpleName() + " is not JSON serializable");
    }
  }

  private static void newline(StringBuilder out, String unit, int depth) {
    if (unit != null) {
      out.append('\n').append(unit.repeat(depth));
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Python's {@code repr(float)}. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = exact.unscaledValue().toString();
    int exponent = digits.length() - 1 - exact.scale(); // d = digits[0].digits[1:] * 10^exponent
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String e = Integer.toString(Math.abs(exponent));
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
    String plain = exact.toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }
}
