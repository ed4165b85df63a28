package dev.align4j.policies.text.jinja;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the inside of Jinja tags ({@code {{ }}}, {@code {% %}}) where Jinjava's expression parser reads Python
 * Jinja syntax differently, so that Jinjava computes what Jinja2 computes:
 *
 * <ul>
 *   <li>{@code not} binds looser than comparisons in Jinja ({@code not a == b} is {@code not (a == b)}); Jinjava
 *       binds it to the next operand. Each {@code not} gets explicit parentheses up to the next {@code and},
 *       {@code or}, {@code if}, {@code else}, comma or closing bracket at its nesting level.
 *   <li>A keyword argument's value is a whole expression ({@code namespace(i=messages|length - 1)}); Jinjava ends it
 *       at the first filter. Values of {@code name=} arguments are parenthesized the same way.
 *   <li>{@code x[::-1]} (Jinjava has no step slices) becomes a subscript that {@link PythonMethods} reverses.
 * </ul>
 *
 * String literals are left untouched.
 */
final class PySyntax {
  private PySyntax() {}

  private static final Pattern TAG = Pattern.compile("(\\{\\{-?|\\{%-?)(.*?)(-?\\}\\}|-?%\\})", Pattern.DOTALL);
  private static final Pattern REVERSE_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*\\]");

  /** The template with every tag's expression rewritten; text outside tags is unchanged. */
  static String rewriteTemplate(String source) {
    Matcher m = TAG.matcher(source);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      out.append(source, last, m.start());
      String open = m.group(1);
      String body = m.group(2);
      // raw blocks and comments are left alone; {% raw %} content is rare in chat templates
      out.append(open).append(body.startsWith("#") ? body : rewrite(body)).append(m.group(3));
      last = m.end();
    }
    return out.append(source.substring(last)).toString();
  }

  /** Rewrites one expression or statement body. */
  static String rewrite(String expr) {
    String s = reverseSlices(expr);
    s = wrapKeywordArguments(s);
    return wrapNot(s);
  }

  private static String reverseSlices(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        int end = endOfString(s, i);
        out.append(s, i, end);
        i = end;
        continue;
      }
      Matcher m = REVERSE_SLICE.matcher(s).region(i, s.length());
      if (c == '[' && m.lookingAt()) {
        out.append("['").append(PythonMethods.REVERSED).append("']");
        i = m.end();
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  /** {@code name=value} inside brackets: value parenthesized up to the next comma or closing bracket. */
  private static String wrapKeywordArguments(String s) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        int end = endOfString(s, i);
        out.append(s, i, end);
        i = end;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
      if (c == '=' && depth > 0 && isKeywordArgument(s, i)) {
        int end = extent(s, i + 1);
        out.append("=(").append(wrapKeywordArguments(s.substring(i + 1, end))).append(')');
        i = end;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static boolean isKeywordArgument(String s, int eq) {
    if (eq + 1 < s.length() && s.charAt(eq + 1) == '=') {
      return false;
    }
    int j = eq - 1;
    while (j >= 0 && s.charAt(j) == ' ') {
      j--;
    }
    if (j < 0 || !isNameChar(s.charAt(j)) || "=!<>".indexOf(s.charAt(j)) >= 0) {
      return false;
    }
    int k = j;
    while (k >= 0 && isNameChar(s.charAt(k))) {
      k--;
    }
    while (k >= 0 && s.charAt(k) == ' ') {
      k--;
    }
    return k >= 0 && (s.charAt(k) == '(' || s.charAt(k) == ',');
  }

  /** Each {@code not} operator: its operand parenthesized up to the next boolean keyword or separator. */
  private static String wrapNot(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        int end = endOfString(s, i);
        out.append(s, i, end);
        i = end;
        continue;
      }
      if (wordAt(s, i, "not") && !previousWord(s, i).equals("is") && !nextWord(s, i + 3).equals("in")) {
        int end = extent(s, i + 3);
        out.append("not (").append(wrapNot(s.substring(i + 3, end).strip())).append(')');
        if (end < s.length() && s.charAt(end) != ' ' && Character.isLetter(s.charAt(end))) {
          out.append(' ');
        }
        i = end;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  /** End (exclusive) of the operand starting at {@code from}: the next stop at depth 0. */
  private static int extent(String s, int from) {
    int depth = 0;
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = endOfString(s, i);
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      } else if (depth == 0 && c == ',') {
        return i;
      } else if (depth == 0 && (wordAt(s, i, "and") || wordAt(s, i, "or") || wordAt(s, i, "if")
          || wordAt(s, i, "else"))) {
        return i;
      }
      i++;
    }
    return s.length();
  }

  private static boolean wordAt(String s, int i, String word) {
    if (!s.startsWith(word, i)) {
      return false;
    }
    boolean before = i == 0 || !isNameChar(s.charAt(i - 1)) && s.charAt(i - 1) != '.';
    int after = i + word.length();
    return before && (after == s.length() || !isNameChar(s.charAt(after)));
  }

  private static String previousWord(String s, int i) {
    int j = i - 1;
    while (j >= 0 && s.charAt(j) == ' ') {
      j--;
    }
    int end = j + 1;
    while (j >= 0 && isNameChar(s.charAt(j))) {
      j--;
    }
    return s.substring(j + 1, end);
  }

  private static String nextWord(String s, int i) {
    int j = i;
    while (j < s.length() && s.charAt(j) == ' ') {
      j++;
    }
    int start = j;
    while (j < s.length() && isNameChar(s.charAt(j))) {
      j++;
    }
    return s.substring(start, j);
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static int endOfString(String s, int i) {
    char quote = s.charAt(i);
    int j = i + 1;
    while (j < s.length() && s.charAt(j) != quote) {
      j += s.charAt(j) == '\\' ? 2 : 1;
    }
    return Math.min(s.length(), j + 1);
  }
}
