package dev.align4j.rewards.math;

import java.util.Objects;
import java.util.Optional;

/**
 * Finds the final answer in a free-form response, in this order of trust:
 *
 * <ol>
 *   <li>the last complete {@code \boxed{…}} or {@code \fbox{…}} (nested braces; also {@code \boxed 5}); only the
 *       last one is graded, so several boxes are no way to hedge;
 *   <li>the last GSM8K {@code #### x} line;
 *   <li>the last "the answer is x", "final answer: x" or "Answer: x" (a {@code $…$} right after it is taken
 *       whole, otherwise the text up to the end of the sentence);
 *   <li>{@link MathVerifier.Extraction#FLEXIBLE} only: the last number in the response ({@code 12+7=19} gives
 *       {@code 19}; {@code -3}, {@code 1,000}, {@code 2.5} and {@code 3/4} are read whole, and a run such as
 *       {@code 1,2,3} is kept whole, so that a list never passes for its last member). A last number that is
 *       part of something larger ({@code \frac{1}{2}}, {@code x^2}, {@code 2x}, {@code A2B}) is no answer: the
 *       answer must be the number, not contain it.
 * </ol>
 *
 * This mirrors the strict/flexible split of lm-evaluation-harness's GSM8K filters and open-instruct's verifiers.
 *
 * <p><b>Linear time.</b> One forward pass over the response finds the boxes (by brace depth, keeping only the
 * innermost open box) and {@code ####}; only when there is neither does a backward scan look for the last answer
 * phrase, and then, in flexible mode, for the last number; a few scans read the chosen candidate. The work is a
 * small constant times the response length whatever its content ({@link #steps} counts it for the tests). Texts
 * longer than {@link #MAX_TEXT} are returned cut to {@code MAX_TEXT + 1} characters, which the caller refuses as
 * too long. Never throws.
 */
final class AnswerExtractor {

  /** Where the answer was found. */
  enum Method { BOXED, HASHES, PHRASE, LAST_NUMBER }

  /**
   * An extracted answer.
   *
   * @param text the answer text, possibly empty (an empty {@code \boxed{}}); longer than {@link #MAX_TEXT} means
   *     the answer was longer still and was cut
   * @param method where it was found
   */
  record Found(String text, Method method) {
    Found {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(method, "method");
    }
  }

  /** The longest answer text returned whole. */
  static final int MAX_TEXT = ExprParser.MAX_LENGTH;

  private final String s;
  /** Characters looked at: the measure of work that the linear-time tests bound. */
  private long steps;

  /** The last-starting complete brace box: where its command ends (its brace), and its content span. */
  private int boxAt = -1;
  private int boxFrom;
  private int boxTo;
  /** The last {@code \boxed 5} whose text is not empty: where its command ends, and its content span. */
  private int spaceBoxAt = -1;
  private int spaceBoxFrom;
  private int spaceBoxTo;
  /** A {@code \boxed 5} still waiting for its {@code $} or end of line. */
  private int pendingAt = -1;
  /** Index just after the last {@code ####}. */
  private int hashes = -1;

  private AnswerExtractor(String s) {
    this.s = s;
  }

  static Optional<Found> extract(String response, MathVerifier.Extraction mode) {
    return new AnswerExtractor(response).find(mode);
  }

  /** The work {@link #extract} does on {@code response}, in characters looked at (for tests). */
  static long steps(String response, MathVerifier.Extraction mode) {
    AnswerExtractor e = new AnswerExtractor(response);
    e.find(mode);
    return e.steps;
  }

  private Optional<Found> find(MathVerifier.Extraction mode) {
    scan();
    if (boxAt >= 0 || spaceBoxAt >= 0) {
      return boxAt > spaceBoxAt
          ? Optional.of(new Found(text(boxFrom, boxTo), Method.BOXED))
          : Optional.of(new Found(trimSentenceEnd(text(spaceBoxFrom, spaceBoxTo)), Method.BOXED));
    }
    if (hashes >= 0) {
      String text = trimSentenceEnd(text(hashes, lineEnd(hashes)));
      if (!text.isEmpty()) {
        return Optional.of(new Found(text, Method.HASHES));
      }
    }
    int phrase = lastPhrase();
    if (phrase >= 0) {
      String text = answerAfter(phrase);
      if (!text.isEmpty()) {
        return Optional.of(new Found(text, Method.PHRASE));
      }
    }
    return mode == MathVerifier.Extraction.FLEXIBLE ? lastNumber() : Optional.empty();
  }

  /**
   * The forward pass: boxes (by brace depth) and {@code ####}. Only the innermost open box is
   * tracked: an enclosing box can close only after it, and starts earlier, so it can never be the last one.
   */
  private void scan() {
    int n = s.length();
    int depth = 0;
    int boxBrace = -1; // index of a '{' that opens a box
    int openAt = -1; // the innermost open box: its brace, depth and content start
    int openDepth = 0;
    for (int i = 0; i < n; i++) {
      steps++;
      char c = s.charAt(i);
      if (c == '\\') {
        int after = boxCommandEnd(i);
        if (after > 0) {
          if (after < n && s.charAt(after) == '{') {
            boxBrace = after;
          } else if (after < n && s.charAt(after) == ' ') {
            pendingAt = i;
          }
          i = after - 1;
        } else {
          i++; // an escaped character (\{, \}, \$) is not a delimiter
        }
      } else if (c == '{') {
        depth++;
        if (i == boxBrace) {
          openAt = i;
          openDepth = depth;
        }
      } else if (c == '}') {
        if (depth > 0) {
          if (openAt >= 0 && openDepth == depth) {
            if (openAt > boxAt) {
              boxAt = openAt;
              boxFrom = openAt + 1;
              boxTo = i;
            }
            openAt = -1;
          }
          depth--;
        }
      } else if (c == '$' || c == '\n') {
        settleSpaceBox(i);
      } else if (c == '#') {
        if (s.startsWith("####", i)) {
          hashes = i + 4;
        }
      }
    }
    settleSpaceBox(n);
  }

  /** Where the answer after the last answer phrase starts, searching backwards; -1 when there is none. */
  private int lastPhrase() {
    for (int i = s.length() - "answer".length(); i >= 0; i--) {
      steps++;
      char c = s.charAt(i);
      if ((c == 'a' || c == 'A') && s.regionMatches(true, i, "answer", 0, 6)) {
        int at = phraseAnswerStart(i);
        if (at >= 0) {
          return at;
        }
      }
    }
    return -1;
  }

  /** End of {@code \boxed} or {@code \fbox} starting at {@code i}, or -1. */
  private int boxCommandEnd(int i) {
    if (s.startsWith("boxed", i + 1)) {
      return i + 6;
    }
    if (s.startsWith("fbox", i + 1)) {
      return i + 5;
    }
    return -1;
  }

  /** A pending {@code \boxed 5} ends at {@code end} ({@code $}, a newline or the end of the text). */
  private void settleSpaceBox(int end) {
    if (pendingAt < 0) {
      return;
    }
    int from = pendingAt + "\\boxed".length() + (s.startsWith("\\fbox", pendingAt) ? -1 : 0);
    pendingAt = -1;
    for (int k = from; k < end; k++) {
      steps++;
      char c = s.charAt(k);
      if (c != ' ' && c != '.' && c != '*' && c != '\t') {
        spaceBoxAt = from;
        spaceBoxFrom = from;
        spaceBoxTo = end;
        return;
      }
    }
  }

  /**
   * Where the answer starts after the word "answer" at {@code at}, when it is an answer marker: "answer:",
   * "answer =", or "the/final answer is"; -1 otherwise.
   */
  private int phraseAnswerStart(int at) {
    boolean introduced = wordBefore(at, "the") || wordBefore(at, "final");
    int i = skipSpacesAndStars(at + "answer".length());
    if (i < s.length() && (s.charAt(i) == ':' || s.charAt(i) == '=')) {
      return skipSpacesAndStars(i + 1);
    }
    if (introduced && s.regionMatches(true, i, "is", 0, 2)
        && (i + 2 >= s.length() || !Character.isLetter(s.charAt(i + 2)))) {
      i = skipSpacesAndStars(i + 2);
      if (i < s.length() && s.charAt(i) == ':') {
        i++;
      }
      return skipSpacesAndStars(i);
    }
    return -1;
  }

  private boolean wordBefore(int at, String word) {
    int j = at - 1;
    while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '*')) {
      steps++;
      j--;
    }
    int start = j - word.length() + 1;
    return start >= 0 && s.regionMatches(true, start, word, 0, word.length())
        && (start == 0 || !Character.isLetter(s.charAt(start - 1)));
  }

  private int skipSpacesAndStars(int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '*' || s.charAt(i) == '\t')) {
      steps++;
      i++;
    }
    return i;
  }

  /**
   * A math span ({@code $…$}, {@code $$…$$}, {@code \(…\)}, {@code \[…\]}) at {@code i}, or the rest of the
   * sentence. When the sentence goes on with "or" after the span ({@code $5$ or $6$}), the whole sentence is the
   * answer, which then reads as a list of candidates: a hedge, not its first candidate.
   */
  private String answerAfter(int i) {
    int from;
    int close;
    int after;
    if (s.startsWith("$$", i)) {
      from = i + 2;
      close = count(i, s.indexOf("$$", from));
      after = close + 2;
    } else if (s.startsWith("$", i)) {
      from = i + 1;
      close = count(i, s.indexOf('$', from));
      while (close > 0 && s.charAt(close - 1) == '\\') { // \$ is a dollar sign, not the end of math
        close = count(close, s.indexOf('$', close + 1));
      }
      after = close + 1;
    } else if (s.startsWith("\\(", i) || s.startsWith("\\[", i)) {
      from = i + 2;
      close = count(i, s.indexOf(s.charAt(i + 1) == '(' ? "\\)" : "\\]", from));
      after = close + 2;
    } else {
      return trimSentenceEnd(text(i, sentenceEnd(i)));
    }
    if (close < 0) {
      return "";
    }
    int end = sentenceEnd(after);
    return hasWordOr(after, end) ? trimSentenceEnd(text(i, end)) : text(from, close);
  }

  /** The end of the sentence from {@code i}: a newline, or {@code . ! ?} before white space, or the end. */
  private int sentenceEnd(int i) {
    int stop = i;
    while (stop < s.length() && s.charAt(stop) != '\n') {
      steps++;
      char c = s.charAt(stop);
      boolean last = stop + 1 == s.length();
      if ((c == '.' || c == '!' || c == '?') && (last || Character.isWhitespace(s.charAt(stop + 1)))) {
        break;
      }
      stop++;
    }
    return stop;
  }

  private boolean hasWordOr(int from, int to) {
    for (int k = from; k + 1 < to; k++) {
      steps++;
      if (s.regionMatches(true, k, "or", 0, 2) && (k == 0 || !Character.isLetter(s.charAt(k - 1)))
          && (k + 2 >= s.length() || !Character.isLetter(s.charAt(k + 2)))) {
        return true;
      }
    }
    return false;
  }

  /** Charges the distance an {@code indexOf} from {@code from} travelled; returns {@code found}. */
  private int count(int from, int found) {
    steps += (found < 0 ? s.length() : found) - from;
    return found;
  }

  private int lineEnd(int from) {
    int nl = count(from, s.indexOf('\n', from));
    return nl < 0 ? s.length() : nl;
  }

  /** {@code s[from, to)} without surrounding whitespace, cut to {@code MAX_TEXT + 1} characters. */
  private String text(int from, int to) {
    while (from < to && Character.isWhitespace(s.charAt(from))) {
      steps++;
      from++;
    }
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
      steps++;
      to--;
    }
    return s.substring(from, Math.min(to, from + MAX_TEXT + 1));
  }

  private static String trimSentenceEnd(String t) {
    int end = t.length();
    while (end > 0 && (t.charAt(end - 1) == '.' || t.charAt(end - 1) == '*' || t.charAt(end - 1) == ' ')) {
      end--;
    }
    return t.substring(0, end);
  }

  /** The last number: digits with {@code ,} groups and a decimal part, a leading minus, a {@code /} fraction. */
  private Optional<Found> lastNumber() {
    int end = s.length() - 1;
    while (end >= 0 && !isDigit(s.charAt(end))) {
      steps++;
      end--;
    }
    if (end < 0) {
      return Optional.empty();
    }
    int start = numberStart(end);
    // a fraction a/b: take the numerator too
    if (start >= 2 && s.charAt(start - 1) == '/' && isDigit(s.charAt(start - 2))) {
      start = numberStart(start - 2);
    }
    if (start >= 1 && s.charAt(start - 1) == '-'
        && (start < 2 || !(Character.isLetterOrDigit(s.charAt(start - 2)) || s.charAt(start - 2) == ')'))) {
      start--;
    }
    if (embedded(start, end + 1)) {
      return Optional.empty();
    }
    String text = text(start, end + 1);
    return Optional.of(new Found(text.length() > MAX_TEXT ? text : ungroup(text), Method.LAST_NUMBER));
  }

  /**
   * Whether the number at {@code [start, end)} is glued to a letter (other than a known unit: {@code 12kg} is
   * fine), a power or an index, or closed by a brace ({@code \frac{1}{2}}); an opening brace alone is allowed
   * (the number of an unclosed box).
   */
  private boolean embedded(int start, int end) {
    if (start > 0) {
      char b = s.charAt(start - 1);
      if (Character.isLetter(b) || b == '^' || b == '_' || b == '\\') {
        return true;
      }
    }
    if (end < s.length()) {
      char a = s.charAt(end);
      if (Character.isLetter(a)) {
        return !unitFollows(end);
      }
      return a == '}' || a == '^' || a == '_';
    }
    return false;
  }

  /** Whether a known unit is glued to the number ending at {@code i} ({@code 12kg}, not {@code 2x}). */
  private boolean unitFollows(int i) {
    int j = i;
    while (j < s.length() && j - i <= 12 && Character.isLetter(s.charAt(j))) {
      j++;
    }
    String word = s.substring(i, j);
    return word.length() >= 2 && Units.isUnitWord(word, false) && !word.equals("sq") && !word.equals("per")
        && !word.equals("square") && !word.equals("cubic");
  }

  private int numberStart(int end) {
    int start = end;
    while (start > 0) {
      steps++;
      char c = s.charAt(start - 1);
      if (isDigit(c) || ((c == ',' || c == '.') && start >= 2 && isDigit(s.charAt(start - 2)))) {
        start--;
      } else {
        break;
      }
    }
    return start;
  }

  /** {@code 1,000} is a number; {@code 3,4} stays as written (a list, refused where one number is expected). */
  private static String ungroup(String text) {
    if (text.indexOf(',') < 0) {
      return text;
    }
    int dot = text.indexOf('.');
    String intPart = dot < 0 ? text : text.substring(0, dot);
    String[] groups = intPart.replace("-", "").split(",", -1);
    boolean thousands = groups[0].length() >= 1 && groups[0].length() <= 3;
    for (int k = 1; k < groups.length && thousands; k++) {
      thousands = groups[k].length() == 3;
    }
    return thousands ? text.replace(",", "") : text;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
