package dev.align4j.rewards.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * String clean-up of an extracted answer before parsing, after the MATH / Minerva normalizers (Hendrycks et al.
 * 2021 {@code strip_string}; Lewkowycz et al. 2022 {@code normalize_final_answer}), but stricter about what may be
 * dropped:
 *
 * <ul>
 *   <li>math delimiters {@code $ \( \) \[ \]}, {@code \left}/{@code \right}, {@code \displaystyle};
 *   <li>{@code \dfrac}, {@code \tfrac}, {@code \cfrac} become {@code \frac}; spacing {@code \! \, \; \: \quad ~};
 *   <li>{@code \text{}}, {@code \mathrm{}}, {@code \textbf{}}, {@code \mbox{}}, {@code \boxed{}} are unwrapped;
 *   <li>units, only the known ones of {@link Units} and only after the number ({@code 5\text{ cm}^2},
 *       {@code 12 square feet}, {@code \$5}, {@code 90^\circ}): dropped, and recorded in
 *       {@link Normalized#unit()}; any other trailing word ({@code 5 million}, {@code 5 squared}, {@code 5 plus one})
 *       stays and makes the answer unreadable as a number;
 *   <li>percent ({@code \%}, {@code %}, "percent": recorded in {@link Scale#PERCENT}), ordinal suffixes
 *       ({@code 5^{\text{th}}}), trailing periods, "and"/"or" between items (which then read as a list);
 *   <li>thousands separators ({@code 1,000}, {@code 32,\!349}, {@code 1\,000}, {@code 14{,}916}) when the whole
 *       answer is one number with groups of three digits ({@code 3{,}4} stays a list);
 *   <li>mixed numbers {@code 2\frac{1}{2}} and {@code 2 1/2} become {@code (2+1/2)};
 *   <li>{@code x \in} prefixes, {@code \approx} (the exact side is kept), Unicode minus, times, π, ∞, ≤, ≥.
 * </ul>
 */
final class Normalizer {

  /** Whether the answer was written as a percentage. */
  enum Scale { PLAIN, PERCENT }

  /**
   * A normalized answer.
   *
   * @param text the cleaned answer, single-spaced
   * @param compact {@code text} without the spaces that carry no meaning (a space between two digits stays:
   *     {@code 3 4} is not {@code 34})
   * @param scale whether a percent sign was removed
   * @param unit the canonical name of the unit that was removed ({@link Units}), empty when none
   */
  record Normalized(String text, String compact, Scale scale, String unit) {
    Normalized {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(compact, "compact");
      Objects.requireNonNull(scale, "scale");
      Objects.requireNonNull(unit, "unit");
    }
  }

  /** What a LaTeX row break {@code \\} becomes, so that matrices survive the removal of {@code "\ "}. */
  static final String ROW_BREAK = "\\cr";

  private static final String[][] REPLACEMENTS = {
      {"\\\\", " " + ROW_BREAK + " "}, {"\u2212", "-"}, {"\u2013", "-"}, {"\u00d7", "\\times "}, {"\u00f7", "\\div "}, {"\u00b7", "\\cdot "},
      {"\u03c0", "\\pi "}, {"\u221a", "\\sqrt"}, {"\u221e", "\\infty "}, {"\u2264", "\\le "}, {"\u2265", "\\ge "},
      {"\u222a", "\\cup "}, {"\u2205", "\\emptyset "}, {"\u00a0", " "}, {"\u00b0", ""}, {"\u00b2", "^2"},
      {"\u00b3", "^3"}, {"\n", " "}, {"\t", " "}, {"\r", " "},
      {"\\displaystyle", ""}, {"\\dfrac", "\\frac"}, {"\\tfrac", "\\frac"}, {"\\cfrac", "\\frac"},
      {"\\$", ""}, {"$", ""}, {"\\(", ""}, {"\\)", ""}, {"\\[", ""}, {"\\]", ""},
      {",\\! ", ","}, {"\\!", ""},
      {"\\,", " "}, {"\\;", " "}, {"\\:", " "}, {"\\qquad", " "}, {"\\quad", " "}, {"\\ ", " "},
      {"~", " "}, {"{,}", ","}, {"\\lbrace", "\\{"}, {"\\rbrace", "\\}"}, {"\\lvert", "|"}, {"\\rvert", "|"},
      {"\\vert", "|"}, {"\\lt", "<"}, {"\\gt", ">"}, {"\\leq", "\\le "}, {"\\geq", "\\ge "},
      {"\\leqslant", "\\le "}, {"\\geqslant", "\\ge "}, {"<=", "\\le "}, {">=", "\\ge "},
      {"\\varnothing", "\\emptyset "}, {"\\{\\}", "\\emptyset "}, {"\\infinity", "\\infty "},
      {"^{\\circ}", ""}, {"^\\circ", ""}, {"\\circ", ""}, {"\\degree", ""}, {"\\ldots", ""}, {"\\dots", ""},
      {"\\cdots", ""}, {"\"", ""}, {"**", ""}, {"\\bigl", ""}, {"\\bigr", ""}, {"\\Bigl", ""}, {"\\Bigr", ""},
      {"\\big", ""}, {"\\Big", ""}, {"\\mathbf{", "\\text{"}, {"\\boldsymbol{", "\\text{"},
      {"\\mathrm{", "\\text{"}, {"\\textbf{", "\\text{"}, {"\\textit{", "\\text{"}, {"\\textrm{", "\\text{"},
      {"\\mathit{", "\\text{"}, {"\\mbox{", "\\text{"}, {"\\operatorname{", "\\text{"}, {"\\textnormal{", "\\text{"},
      {"\\boxed{", "\\text{"}, {"\\fbox{", "\\text{"},
  };

  private static final Pattern ORDINAL = Pattern.compile(
      "(?<=\\d)\\s*(?:\\^\\{\\\\text\\{(?:th|st|nd|rd)\\}\\}|\\^\\\\text\\{(?:th|st|nd|rd)\\}"
          + "|\\\\text\\{(?:th|st|nd|rd)\\}|\\^\\{(?:th|st|nd|rd)\\}|(?:th|st|nd|rd)\\b)");
  private static final Pattern MIXED_LATEX =
      Pattern.compile("(?<![\\d.}^_a-zA-Z])(\\d+)\\s*\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}");
  private static final Pattern MIXED_PLAIN = Pattern.compile("(?<![\\d./^])(\\d+) (\\d+)/(\\d+)(?![\\d/.])");
  private static final Pattern THOUSANDS_COMMA = Pattern.compile("-?[1-9]\\d{0,2}(?:,\\d{3})+(?:\\.\\d+)?");
  private static final Pattern THOUSANDS_SPACE = Pattern.compile("-?[1-9]\\d{0,2}(?: \\d{3})+(?:\\.\\d+)?");
  private static final Pattern IN_PREFIX = Pattern.compile("^[a-zA-Z]\\s*\\\\in\\s*");
  private static final Pattern AND_WORD = Pattern.compile("\\s*\\b(?:and|or)\\b\\s*");

  private Normalizer() {}

  static Normalized normalize(String answer) {
    String s = answer;
    TreeSet<String> units = new TreeSet<>();
    if (s.contains("\\circ") || s.contains("\u00b0") || s.contains("\\degree")) {
      units.add("deg");
    }
    if (s.contains("\\$")) {
      units.add("usd");
    }
    long[] present = firstCharsPresent(s);
    for (String[] r : REPLACEMENTS) {
      if (mayContain(present, r[0].charAt(0)) && s.contains(r[0])) {
        s = s.replace(r[0], r[1]);
      }
    }
    s = removeLeftRight(s);
    if (s.contains("th") || s.contains("st") || s.contains("nd") || s.contains("rd")) {
      s = ORDINAL.matcher(s).replaceAll("");
    }
    s = unwrapText(s, units);
    Scale scale = Scale.PLAIN;
    if (s.contains("%")) {
      scale = Scale.PERCENT;
      s = s.replace("\\%", "").replace("%", "");
    }
    s = collapseSpaces(s);
    s = keepExactSideOfApprox(s);
    if (s.contains("\\in")) {
      s = IN_PREFIX.matcher(s).replaceFirst("");
    }
    s = stripTrailingPunctuation(s);
    for (String word : new String[] {" percentage", " percent", " pct"}) {
      if (s.endsWith(word)) {
        scale = Scale.PERCENT;
        s = s.substring(0, s.length() - word.length()).strip();
      }
    }
    s = stripTrailingUnits(s, units);
    if (s.contains(" and ") || s.contains(" or ")) {
      s = AND_WORD.matcher(s).replaceAll(",");
    }
    if (s.contains("\\frac")) {
      s = MIXED_LATEX.matcher(s).replaceAll("($1+$2/$3)");
    }
    if (s.indexOf('/') > 0 && s.indexOf(' ') > 0) {
      s = MIXED_PLAIN.matcher(s).replaceAll("($1+$2/$3)");
    }
    if (s.indexOf(',') > 0 && THOUSANDS_COMMA.matcher(s).matches()) {
      s = s.replace(",", "");
    } else if (s.indexOf(' ') > 0 && THOUSANDS_SPACE.matcher(s).matches()) {
      s = s.replace(" ", "");
    }
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("infinity") || lower.equals("inf")) {
      s = "\\infty";
    }
    if (s.startsWith("=")) {
      s = s.substring(1).strip();
    }
    s = stripTrailingPunctuation(s);
    return new Normalized(s, compact(s), scale, String.join(" ", units));
  }

  /** Which ASCII characters occur in {@code s} (bits 0-127), and whether any other does (bit 128). */
  private static long[] firstCharsPresent(String s) {
    long[] bits = new long[3];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int b = c < 128 ? c : 128;
      bits[b >>> 6] |= 1L << (b & 63);
    }
    return bits;
  }

  private static boolean mayContain(long[] present, char c) {
    int b = c < 128 ? c : 128;
    return (present[b >>> 6] & (1L << (b & 63))) != 0;
  }

  /** {@code s} without spaces, except one between two digits (or a digit and a point). */
  private static String compact(String s) {
    if (s.indexOf(' ') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ') {
        b.append(c);
      } else if (i > 0 && i + 1 < s.length() && isNumberChar(s.charAt(i - 1)) && isNumberChar(s.charAt(i + 1))) {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '.';
  }

  /**
   * {@code \frac{1}{6} \approx 0.167} keeps the exact left side; {@code x \approx 0.167} (nothing exact on the
   * left) keeps the right side.
   */
  private static String keepExactSideOfApprox(String s) {
    int approx = s.indexOf("\\approx");
    if (approx < 0) {
      return s;
    }
    String left = s.substring(0, approx).strip();
    boolean nothingExact = left.isEmpty() || left.endsWith("=")
        || (left.length() == 1 && Character.isLetter(left.charAt(0)));
    if (nothingExact) {
      int last = s.lastIndexOf("\\approx");
      return s.substring(last + "\\approx".length()).strip();
    }
    return left;
  }

  /** Removes {@code \left} and {@code \right} but not {@code \rightarrow} or {@code \leftarrow}. */
  private static String removeLeftRight(String s) {
    if (!s.contains("\\left") && !s.contains("\\right")) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      int skip = keywordAt(s, i, "\\left");
      if (skip == 0) {
        skip = keywordAt(s, i, "\\right");
      }
      if (skip > 0) {
        i += skip;
        if (i < s.length() && s.charAt(i) == '.') {
          i++; // \left. and \right. are invisible delimiters
        }
      } else {
        b.append(s.charAt(i++));
      }
    }
    return b.toString();
  }

  private static int keywordAt(String s, int i, String kw) {
    int end = i + kw.length();
    if (s.startsWith(kw, i) && (end >= s.length() || !Character.isLetter(s.charAt(end)))) {
      return kw.length();
    }
    return 0;
  }

  /**
   * Replaces every {@code \text{content}} by its content, or by nothing when the content is a unit phrase (whose
   * canonical name goes to {@code units}, with a following {@code ^2}/{@code ^3}).
   */
  private static String unwrapText(String s, Set<String> units) {
    int at = s.indexOf("\\text{");
    int guard = 0;
    while (at >= 0 && guard++ < 100) {
      int open = at + "\\text".length();
      int close = matchBrace(s, open);
      if (close < 0) {
        return s.substring(0, at) + s.substring(open + 1);
      }
      String inner = s.substring(open + 1, close);
      String word = inner.strip().toLowerCase(Locale.ROOT);
      String replacement = inner;
      int after = close + 1;
      if (word.equals("and") || word.equals("or") || word.equals(",")) {
        replacement = ",";
      } else if (word.equals(".") || word.isEmpty()) {
        replacement = " ";
      } else {
        String power = unitPower(s, after);
        Optional<String> unit = Units.phrase(List.of((inner.strip() + power).split(" +")), false);
        if (unit.isPresent()) {
          replacement = " ";
          after += power.isEmpty() ? 0 : s.startsWith("^{", after) ? 4 : 2;
          if (!unit.get().isEmpty()) {
            units.add(unit.get());
          }
        }
      }
      s = s.substring(0, at) + replacement + s.substring(after);
      at = s.indexOf("\\text{", at);
    }
    return s;
  }

  /** {@code "^2"} or {@code "^3"} when {@code s} has {@code ^2}, {@code ^{2}} (or 3) at {@code i}, else empty. */
  private static String unitPower(String s, int i) {
    for (String p : new String[] {"2", "3"}) {
      if (s.startsWith("^" + p, i) || s.startsWith("^{" + p + "}", i)) {
        return "^" + p;
      }
    }
    return "";
  }

  /** Index of the brace closing the one at {@code open}, ignoring escaped braces; -1 when unbalanced. */
  static int matchBrace(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * Drops a trailing unit phrase ({@code 5 cm^2}, {@code 12 dollars}, {@code 3 miles per hour}) when a number
   * stays before it, recording its canonical name. Only the known units of {@link Units} count.
   */
  private static String stripTrailingUnits(String s, Set<String> units) {
    List<String> words = new ArrayList<>();
    int end = s.length();
    int start = end;
    while (true) {
      int space = s.lastIndexOf(' ', end - 1);
      if (space <= 0 || !Units.isUnitWord(s.substring(space + 1, end), true)) {
        break;
      }
      words.add(0, s.substring(space + 1, end));
      start = space;
      end = space;
    }
    // the longest valid phrase among the trailing unit words
    for (int first = 0; first < words.size(); first++) {
      Optional<String> unit = Units.phrase(words.subList(first, words.size()), true);
      if (unit.isPresent()) {
        int cut = start;
        for (int k = 0; k < first; k++) {
          cut += 1 + words.get(k).length();
        }
        String kept = s.substring(0, cut).strip();
        if (!containsDigit(kept)) {
          return s;
        }
        if (!unit.get().isEmpty()) {
          units.add(unit.get());
        }
        return kept;
      }
    }
    return s;
  }

  private static boolean containsDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        return true;
      }
    }
    return false;
  }

  private static String stripTrailingPunctuation(String s) {
    int end = s.length();
    while (end > 0) {
      char c = s.charAt(end - 1);
      if (c == '.' || c == ' ' || c == ';' || (c == ',' && end > 1)) {
        end--;
      } else {
        break;
      }
    }
    int start = 0;
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    return s.substring(start, end);
  }

  private static String collapseSpaces(String s) {
    if (!s.contains("  ")) {
      return s.strip();
    }
    StringBuilder b = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ') {
        if (!space) {
          b.append(c);
        }
        space = true;
      } else {
        b.append(c);
        space = false;
      }
    }
    return b.toString().strip();
  }
}
