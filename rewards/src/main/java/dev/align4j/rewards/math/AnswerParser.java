package dev.align4j.rewards.math;

import dev.align4j.rewards.math.Answer.End;
import dev.align4j.rewards.math.Answer.Group;
import dev.align4j.rewards.math.Answer.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the shape of a normalized answer, outermost first: matrix environment, union ({@code \cup}), set
 * ({@code \{…\}}), bare comma list, relation ({@code =}, {@code <}, {@code \le}, …), bracketed interval or tuple,
 * word, and finally a scalar {@link Expr}. Anything that does not parse becomes {@link Answer.Text}.
 */
final class AnswerParser {

  private static final int MAX_DEPTH = 8;
  private static final int MAX_MEMBERS = 64;
  private static final Set<String> MATRIX_ENVS = Set.of("pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix");
  private static final Set<String> MATH_WORDS = Set.of("pi", "e", "i", "inf");

  private AnswerParser() {}

  static Answer parse(String text, Budget budget) {
    return parse(text.strip(), budget, 0);
  }

  private static Answer parse(String s, Budget budget, int depth) {
    budget.charge(1);
    if (s.isEmpty() || depth > MAX_DEPTH) {
      return new Answer.Text(s);
    }
    if (s.equals("\\emptyset")) {
      return new Group(Kind.SET, List.of());
    }
    if (s.startsWith("\\begin{")) {
      Optional<Answer> m = matrix(s, budget, depth);
      if (m.isPresent()) {
        return m.get();
      }
    }
    List<String> union = splitTop(s, "\\cup");
    if (union.size() > 1) {
      return union(group(Kind.UNION, union, budget, depth));
    }
    if (s.startsWith("\\{") && s.endsWith("\\}") && closingIndex(s, 0) == s.length() - 1) {
      String inner = s.substring(2, s.length() - 2).strip();
      return inner.isEmpty() ? new Group(Kind.SET, List.of()) : group(Kind.SET, splitTop(inner, ","), budget, depth);
    }
    if (s.charAt(0) == '{' && closingIndex(s, 0) == s.length() - 1) {
      List<String> members = splitTop(s.substring(1, s.length() - 1), ",");
      if (members.size() > 1) {
        return group(Kind.SET, members, budget, depth); // {1,3}: a set written without escapes
      }
    }
    int pm = s.indexOf("\\pm");
    if (pm >= 0 && s.indexOf("\\pm", pm + 1) < 0 && splitTop(s, ",").size() == 1) {
      String rest = s.substring(pm + "\\pm".length());
      String head = s.substring(0, pm);
      return group(Kind.LIST, List.of(head + "+" + rest, head + "-" + rest), budget, depth);
    }
    List<String> items = splitTop(s, ",");
    if (items.size() > 1) {
      return group(Kind.LIST, items, budget, depth);
    }
    Optional<Answer> relation = relation(s, budget);
    if (relation.isPresent()) {
      return relation.get();
    }
    char first = s.charAt(0);
    char last = s.charAt(s.length() - 1);
    if ((first == '(' || first == '[') && (last == ')' || last == ']') && closingIndex(s, 0) == s.length() - 1) {
      List<String> parts = splitTop(s.substring(1, s.length() - 1), ",");
      if (parts.size() == 2) {
        Optional<Answer> interval = interval(parts, first, last, budget);
        if (interval.isPresent()) {
          return interval.get();
        }
      }
      if (parts.size() >= 2) {
        return group(Kind.TUPLE, parts, budget, depth);
      }
    }
    if (isWord(s)) {
      return new Answer.Text(s.replace(" ", "").toLowerCase(Locale.ROOT));
    }
    Optional<Expr> e = ExprParser.parse(s, budget);
    return e.<Answer>map(Answer.Scalar::new).orElseGet(() -> new Answer.Text(s.replace(" ", "")));
  }

  /** A union of finite sets is their set; a union with an interval stays a union. */
  private static Answer union(Answer parsed) {
    if (!(parsed instanceof Group union)) {
      return parsed;
    }
    List<Answer> flat = new ArrayList<>();
    for (Answer m : union.members()) {
      if (!(m instanceof Group g) || g.kind() != Kind.SET) {
        return union;
      }
      flat.addAll(g.members());
    }
    return new Group(Kind.SET, flat);
  }

  private static Answer group(Kind kind, List<String> parts, Budget budget, int depth) {
    if (parts.size() > MAX_MEMBERS) {
      return new Answer.Text(String.join(",", parts));
    }
    List<Answer> members = new ArrayList<>(parts.size());
    for (String p : parts) {
      members.add(parse(p.strip(), budget, depth + 1));
    }
    return new Group(kind, members);
  }

  private static Optional<Answer> matrix(String s, Budget budget, int depth) {
    int close = s.indexOf('}');
    String env = s.substring("\\begin{".length(), close);
    String end = "\\end{" + env + "}";
    if (!MATRIX_ENVS.contains(env) || !s.endsWith(end)) {
      return Optional.empty();
    }
    String body = s.substring(close + 1, s.length() - end.length());
    List<List<Answer>> rows = new ArrayList<>();
    for (String row : splitTop(body, Normalizer.ROW_BREAK)) {
      if (row.isBlank()) {
        continue;
      }
      List<Answer> cells = new ArrayList<>();
      for (String cell : splitTop(row, "&")) {
        cells.add(parse(cell.strip(), budget, depth + 1));
      }
      rows.add(cells);
      if (rows.size() > MAX_MEMBERS) {
        return Optional.empty();
      }
    }
    return Optional.of(new Answer.Matrix(rows));
  }

  /** Two-element bracket: an interval when a square bracket or an infinite end says so. */
  private static Optional<Answer> interval(List<String> parts, char first, char last, Budget budget) {
    String lo = parts.get(0).strip();
    String hi = parts.get(1).strip();
    boolean infinite = lo.contains("\\infty") || hi.contains("\\infty");
    if (!(first == '[' || last == ']' || infinite)) {
      return Optional.empty();
    }
    Optional<Expr> a = ExprParser.parse(lo, budget);
    Optional<Expr> b = ExprParser.parse(hi, budget);
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Answer.Interval(a.get(), first == '[' ? End.CLOSED : End.OPEN,
        b.get(), last == ']' ? End.CLOSED : End.OPEN));
  }

  /** {@code lhs = rhs}, or a one-variable inequality chain ({@code 2 < x \le 5}) read as an interval. */
  private static Optional<Answer> relation(String s, Budget budget) {
    List<String> parts = new ArrayList<>();
    List<String> ops = new ArrayList<>();
    splitRelations(s, parts, ops);
    if (ops.isEmpty()) {
      return Optional.empty();
    }
    List<Expr> exprs = new ArrayList<>(parts.size());
    for (String p : parts) {
      Optional<Expr> e = ExprParser.parse(p.strip(), budget);
      if (e.isEmpty()) {
        return Optional.of(new Answer.Text(s.replace(" ", "")));
      }
      exprs.add(e.get());
    }
    if (ops.stream().allMatch("="::equals)) {
      return Optional.of(new Answer.Equation(exprs));
    }
    return inequality(exprs, ops).or(() -> Optional.of(new Answer.Text(s.replace(" ", ""))));
  }

  private static Optional<Answer> inequality(List<Expr> exprs, List<String> ops) {
    Expr minusInf = new Expr.Neg(Expr.Constant.INFINITY);
    if (ops.size() == 1) {
      boolean less = ops.get(0).equals("<") || ops.get(0).equals("\\le");
      End end = ops.get(0).startsWith("\\") ? End.CLOSED : End.OPEN;
      Expr l = exprs.get(0);
      Expr r = exprs.get(1);
      if (l instanceof Expr.Var) {
        return Optional.of(less ? new Answer.Interval(minusInf, End.OPEN, r, end)
            : new Answer.Interval(r, end, Expr.Constant.INFINITY, End.OPEN));
      }
      if (r instanceof Expr.Var) {
        return Optional.of(less ? new Answer.Interval(l, end, Expr.Constant.INFINITY, End.OPEN)
            : new Answer.Interval(minusInf, End.OPEN, l, end));
      }
      return Optional.empty();
    }
    boolean ascending = ops.stream().allMatch(o -> o.equals("<") || o.equals("\\le"));
    if (ops.size() == 2 && ascending && exprs.get(1) instanceof Expr.Var) {
      return Optional.of(new Answer.Interval(exprs.get(0), ops.get(0).equals("<") ? End.OPEN : End.CLOSED,
          exprs.get(2), ops.get(1).equals("<") ? End.OPEN : End.CLOSED));
    }
    return Optional.empty();
  }

  private static final String[] RELATIONS = {"\\le", "\\ge", "<", ">", "="};

  private static void splitRelations(String s, List<String> parts, List<String> ops) {
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0) {
        for (String op : RELATIONS) {
          if (s.startsWith(op, i) && commandEnds(s, i, op)) {
            parts.add(s.substring(start, i));
            ops.add(op.equals(">") ? ">" : op);
            i += op.length() - 1;
            start = i + 1;
            break;
          }
        }
      }
      if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
        i++;
      }
    }
    parts.add(s.substring(start));
    normalizeDirections(parts, ops);
  }

  /** Rewrites {@code >} and {@code \ge} chains as {@code <} and {@code \le} by reversing them. */
  private static void normalizeDirections(List<String> parts, List<String> ops) {
    boolean allGreater = !ops.isEmpty() && ops.stream().allMatch(o -> o.equals(">") || o.equals("\\ge"));
    if (allGreater && ops.size() == 2) {
      java.util.Collections.reverse(parts);
      java.util.Collections.reverse(ops);
      ops.replaceAll(o -> o.equals(">") ? "<" : "\\le");
    }
  }

  private static boolean commandEnds(String s, int i, String op) {
    if (op.charAt(0) != '\\') {
      return true;
    }
    int end = i + op.length();
    return end >= s.length() || !Character.isLetter(s.charAt(end));
  }

  /** Splits at {@code sep} outside all brackets; {@code \{ \}} count as brackets. */
  static List<String> splitTop(String s, String sep) {
    List<String> out = new ArrayList<>(2);
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
        depth += s.charAt(i + 1) == '{' ? 1 : -1;
        i++;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0 && s.startsWith(sep, i) && commandEnds(s, i, sep)) {
        out.add(s.substring(start, i));
        i += sep.length() - 1;
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  /** Index of the bracket closing the one opening at {@code open} (any bracket kind, escaped braces included). */
  static int closingIndex(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
        depth += s.charAt(i + 1) == '{' ? 1 : -1;
        i++;
        if (depth == 0) {
          return i;
        }
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static boolean isWord(String s) {
    int letters = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        letters++;
      } else if (c != ' ') {
        return false;
      }
    }
    return letters >= 2 && !MATH_WORDS.contains(s.toLowerCase(Locale.ROOT));
  }
}
