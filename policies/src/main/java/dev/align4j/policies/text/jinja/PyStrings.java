package dev.align4j.policies.text.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str} operations with Python's definitions: whitespace is what {@code str.isspace()} accepts
 * (U+0009–U+000D, U+001C–U+001F, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000), which differs from Java's {@link String#strip()} (it keeps U+0085, U+00A0, U+2007 and U+202F).
 */
public final class PyStrings {
  private PyStrings() {}

  /** Python's {@code str.isspace()} for one code point. */
  public static boolean isSpace(int c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
  }

  /** {@code s.strip()}: Jinja's {@code trim} filter. */
  public static String strip(String s) {
    return strip(s, null, true, true);
  }

  /**
   * {@code s.strip(chars)}, {@code s.lstrip(chars)} or {@code s.rstrip(chars)}.
   *
   * @param chars the characters to strip, or {@code null} for whitespace
   */
  public static String strip(String s, String chars, boolean left, boolean right) {
    int start = 0;
    int end = s.length();
    if (left) {
      while (start < end) {
        int c = s.codePointAt(start);
        if (!stripped(c, chars)) {
          break;
        }
        start += Character.charCount(c);
      }
    }
    if (right) {
      while (end > start) {
        int c = s.codePointBefore(end);
        if (!stripped(c, chars)) {
          break;
        }
        end -= Character.charCount(c);
      }
    }
    return s.substring(start, end);
  }

  private static boolean stripped(int c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
  }

  /**
   * {@code s.split(sep, maxsplit)}: with {@code sep == null} splits on runs of whitespace and drops empty parts;
   * otherwise splits on the literal separator (never a regular expression).
   *
   * @param maxsplit at most this many splits; negative for no limit
   */
  public static List<String> split(String s, String sep, int maxsplit) {
    List<String> out = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && isSpace(s.codePointAt(i))) {
          i += Character.charCount(s.codePointAt(i));
        }
        if (i >= n) {
          return out;
        }
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(s.substring(i)); // Python keeps trailing whitespace of the unsplit rest
          return out;
        }
        int j = i;
        while (j < n && !isSpace(s.codePointAt(j))) {
          j += Character.charCount(s.codePointAt(j));
        }
        out.add(s.substring(i, j));
        i = j;
      }
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int from = 0;
    while (maxsplit < 0 || out.size() < maxsplit) {
      int at = s.indexOf(sep, from);
      if (at < 0) {
        break;
      }
      out.add(s.substring(from, at));
      from = at + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  /** {@code s.title()}: upper-cases the first cased letter of each run of letters, lower-cases the rest. */
  public static String title(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      b.appendCodePoint(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
      previousCased = Character.isLetter(c);
      i += Character.charCount(c);
    }
    return b.toString();
  }

  /** {@code s.capitalize()}: first character upper case, the rest lower case. */
  public static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
        .append(s.substring(Character.charCount(first)).toLowerCase(java.util.Locale.ROOT)).toString();
  }

  /** {@code s[::-1]}: the code points in reverse order. */
  public static String reversed(String s) {
    return new StringBuilder(s).reverse().toString();
  }

  /** {@code s[i]} with Python's negative indices, by code point; {@code null} when out of range. */
  public static String charAt(String s, long index) {
    int n = s.codePointCount(0, s.length());
    long i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) {
      return null;
    }
    int at = s.offsetByCodePoints(0, (int) i);
    return new String(Character.toChars(s.codePointAt(at)));
  }
}
