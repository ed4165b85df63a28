package dev.align4j.core;


/**
 * Range checks for config records, for built-ins and plug-ins alike: each failure is an {@link InvalidConfigException}
 * naming the JSON field, the range and the value (NaN fails all), which config readers report as file:line:field.
 */
public final class Require {
  private Require() {}

  public static void positive(String field, double v) {
    if (!(v > 0 && v < Double.POSITIVE_INFINITY)) {
      throw new InvalidConfigException(field, "must be finite and > 0 (got " + v + ")");
    }
  }

  public static void nonNegative(String field, double v) {
    if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
      throw new InvalidConfigException(field, "must be finite and >= 0 (got " + v + ")");
    }
  }

  /** lo ≤ v &lt; hi. */
  public static void inClosedOpen(String field, double v, double lo, double hi, String why) {
    if (!(v >= lo && v < hi)) {
      throw new InvalidConfigException(field, "must be in [" + lo + ", " + hi + ") (got " + v + ")" + why);
    }
  }

  /** lo &lt; v &lt; hi. */
  public static void inOpen(String field, double v, double lo, double hi, String why) {
    if (!(v > lo && v < hi)) {
      throw new InvalidConfigException(field, "must be in (" + lo + ", " + hi + ") (got " + v + ")" + why);
    }
  }

  /** lo &lt; v ≤ hi. */
  public static void inOpenClosed(String field, double v, double lo, double hi, String why) {
    if (!(v > lo && v <= hi)) {
      throw new InvalidConfigException(field, "must be in (" + lo + ", " + hi + "] (got " + v + ")" + why);
    }
  }
}
