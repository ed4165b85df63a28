package dev.align4j.rewards.math;

import dev.align4j.rewards.math.Expr.Binary;
import dev.align4j.rewards.math.Expr.Call;
import dev.align4j.rewards.math.Expr.Constant;
import dev.align4j.rewards.math.Expr.Fn;
import dev.align4j.rewards.math.Expr.Op;
import java.util.Map;
import java.util.Optional;

/**
 * Recursive-descent parser from a normalized answer (LaTeX or plain text) to an {@link Expr}.
 *
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/' | \cdot | \times | \div | implicit) unary)*
 * unary   := ('-' | '+') unary | power
 * power   := postfix ('^' exponent)?
 * postfix := primary '!'*
 * primary := number | letter ('_' sub)? | '(' expr ')' | '{' expr '}' | '[' expr ']' | '|' expr '|'
 *          | \frac arg arg | \sqrt ('[' expr ']')? arg | \pi | \infty | \sin arg | \log ('_' arg)? arg | ...
 * </pre>
 *
 * Implicit multiplication ({@code 2\sqrt{3}}, {@code 3x}, {@code x(x+1)}) has the precedence of {@code *}, except
 * that a factor starting with a digit is refused: {@code 3 4} reads as 34 in LaTeX and as 12 in plain text, and
 * {@code x2} or {@code 2^3 4} are no better, so such input is not an expression. LaTeX shorthand is accepted:
 * {@code \frac12}, {@code \sqrt3}. A digit run after {@code ^} is one exponent ({@code 2^10 = 1024}, the
 * plain-text reading). Decimal literals keep the precision they state ({@link Expr.Num}). Depth and length are
 * bounded; failures are reported as {@link Optional#empty()}, never thrown to the caller.
 */
final class ExprParser {

  /** Longest input the parser accepts (characters). */
  static final int MAX_LENGTH = 1000;
  /** Deepest nesting the parser accepts. */
  static final int MAX_DEPTH = 64;

  private static final Map<String, Fn> FUNCTIONS = Map.ofEntries(
      Map.entry("sin", Fn.SIN), Map.entry("cos", Fn.COS), Map.entry("tan", Fn.TAN), Map.entry("cot", Fn.COT),
      Map.entry("sec", Fn.SEC), Map.entry("csc", Fn.CSC), Map.entry("arcsin", Fn.ARCSIN),
      Map.entry("arccos", Fn.ARCCOS), Map.entry("arctan", Fn.ARCTAN), Map.entry("ln", Fn.LN),
      Map.entry("exp", Fn.EXP), Map.entry("sqrt", Fn.SQRT), Map.entry("abs", Fn.ABS));

  /** Plain-text words tried, longest first, at the start of a letter run. */
  private static final String[] WORDS = {
      "arcsin", "arccos", "arctan", "sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "exp", "log", "abs", "ln", "pi"};

  private static final java.util.Set<String> GREEK = java.util.Set.of(
      "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
      "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
      "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega");

  /** Thrown inside the parser only; stackless because garbage input is common. */
  private static final class Fail extends RuntimeException {
    Fail(String message) {
      super(message, null, false, false);
    }
  }

  private final String s;
  private final Budget budget;
  private int pos;
  private int depth;

  private ExprParser(String s, Budget budget) {
    this.s = s;
    this.budget = budget;
  }

  /** Parses the whole of {@code text}; empty when it is not one well-formed expression. */
  static Optional<Expr> parse(String text, Budget budget) {
    if (text.isEmpty() || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    ExprParser p = new ExprParser(text, budget);
    try {
      Expr e = p.expr();
      p.skipSpaces();
      if (p.pos != p.s.length()) {
        return Optional.empty();
      }
      return Optional.of(e);
    } catch (Fail f) {
      return Optional.empty();
    }
  }

  private Expr expr() {
    if (++depth > MAX_DEPTH) {
      throw new Fail("too deep");
    }
    Expr left = term();
    while (true) {
      skipSpaces();
      if (eat('+')) {
        left = new Binary(Op.ADD, left, term());
      } else if (eat('-')) {
        left = new Binary(Op.SUB, left, term());
      } else {
        break;
      }
    }
    depth--;
    return left;
  }

  private Expr term() {
    Expr left = unary();
    while (true) {
      skipSpaces();
      if (eat('*') || eatCommand("cdot") || eatCommand("times") || eatCommand("ast")) {
        left = new Binary(Op.MUL, left, unary());
      } else if (eat('/') || eatCommand("div")) {
        left = new Binary(Op.DIV, left, unary());
      } else if (startsPrimary()) {
        refuseDigitJuxtaposition();
        left = new Binary(Op.MUL, left, power());
      } else {
        return left;
      }
    }
  }

  /** An implicit factor that starts with a digit ({@code 3 4}, {@code x2}, {@code 2{3}}) is ambiguous. */
  private void refuseDigitJuxtaposition() {
    int i = pos;
    while (i < s.length() && s.charAt(i) == '{') {
      i++;
    }
    if (i < s.length() && (isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      throw new Fail("ambiguous juxtaposition of a number");
    }
  }

  private Expr unary() {
    skipSpaces();
    if (eat('-')) {
      return new Expr.Neg(unary());
    }
    if (eat('+')) {
      return unary();
    }
    return power();
  }

  private Expr power() {
    Expr base = postfix();
    skipSpaces();
    if (eat('^')) {
      return new Binary(Op.POW, base, exponent());
    }
    return base;
  }

  private Expr exponent() {
    skipSpaces();
    if (pos < s.length() && isDigit(s.charAt(pos))) {
      return number();
    }
    if (eat('-')) {
      return new Expr.Neg(exponent());
    }
    return power();
  }

  private Expr postfix() {
    Expr e = primary();
    while (pos < s.length() && s.charAt(pos) == '!') {
      pos++;
      e = new Expr.Factorial(e);
    }
    return e;
  }

  private Expr primary() {
    budget.charge(1);
    skipSpaces();
    if (pos >= s.length()) {
      throw new Fail("unexpected end");
    }
    char c = s.charAt(pos);
    if (isDigit(c) || (c == '.' && pos + 1 < s.length() && isDigit(s.charAt(pos + 1)))) {
      return number();
    }
    if (c == '(' || c == '{' || c == '[') {
      pos++;
      Expr e = expr();
      expect(c == '(' ? ')' : c == '{' ? '}' : ']');
      return e;
    }
    if (c == '|') {
      pos++;
      Expr e = expr();
      expect('|');
      return new Call(Fn.ABS, e);
    }
    if (c == '\\') {
      return command();
    }
    if (isLetter(c)) {
      return word();
    }
    throw new Fail("unexpected '" + c + "'");
  }

  private Expr number() {
    int start = pos;
    while (pos < s.length() && isDigit(s.charAt(pos))) {
      pos++;
    }
    int fraction = -1; // digits after the point; -1 when there is no point
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      int from = pos;
      while (pos < s.length() && isDigit(s.charAt(pos))) {
        pos++;
      }
      fraction = pos - from;
    }
    int mantissaEnd = pos;
    boolean exponent = false;
    if (pos + 1 < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
        pos++;
      }
      if (pos < s.length() && isDigit(s.charAt(pos))) {
        while (pos < s.length() && isDigit(s.charAt(pos))) {
          pos++;
        }
        exponent = true;
      } else {
        pos = save;
      }
    }
    String text = s.substring(start, pos);
    Rational value = Rational.parseDecimal(text).orElseThrow(() -> new Fail("bad number"));
    if (fraction < 0 && !exponent) {
      return new Expr.Num(value);
    }
    int exp = exponent ? Integer.parseInt(text.substring(mantissaEnd - start + 1).replace("+", "")) : 0;
    return new Expr.Num(value, Math.max(fraction, 0) - exp, significantDigits(s, start, mantissaEnd));
  }

  /** Digits of the mantissa {@code s[from, to)} after its leading zeros ({@code 0.0250} has 3). */
  private static int significantDigits(String s, int from, int to) {
    int digits = 0;
    boolean leading = true;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.' || (leading && c == '0')) {
        continue;
      }
      leading = false;
      digits++;
    }
    return digits;
  }

  /** A letter run: a plain-text function or constant word, else one single-letter variable. */
  private Expr word() {
    for (String w : WORDS) {
      if (s.startsWith(w, pos)) {
        int end = pos + w.length();
        if (w.equals("pi")) {
          pos = end;
          return Constant.PI;
        }
        pos = end;
        return w.equals("log") ? logArgs() : new Call(FUNCTIONS.get(w), functionArg());
      }
    }
    char c = s.charAt(pos++);
    if (c == 'e' && !subscriptFollows()) {
      return Constant.E;
    }
    return new Expr.Var(String.valueOf(c) + subscript());
  }

  private boolean subscriptFollows() {
    return pos < s.length() && s.charAt(pos) == '_';
  }

  private String subscript() {
    if (!subscriptFollows()) {
      return "";
    }
    int start = pos++;
    if (eat('{')) {
      int close = s.indexOf('}', pos);
      if (close < 0) {
        throw new Fail("unclosed subscript");
      }
      pos = close + 1;
    } else if (pos < s.length() && (isDigit(s.charAt(pos)) || isLetter(s.charAt(pos)))) {
      pos++;
    } else {
      throw new Fail("bad subscript");
    }
    return s.substring(start, pos).replace("{", "").replace("}", "");
  }

  private Expr command() {
    pos++; // backslash
    int start = pos;
    while (pos < s.length() && isLetter(s.charAt(pos))) {
      pos++;
    }
    String name = s.substring(start, pos);
    switch (name) {
      case "frac": {
        Expr num = latexArg();
        Expr den = latexArg();
        return new Binary(Op.DIV, num, den);
      }
      case "sqrt": {
        skipSpaces();
        if (eat('[')) {
          Expr index = expr();
          expect(']');
          return new Expr.Root(index, latexArg());
        }
        return new Call(Fn.SQRT, latexArg());
      }
      case "pi":
        return Constant.PI;
      case "infty":
        return Constant.INFINITY;
      case "log":
        return logArgs();
      default:
        break;
    }
    Fn fn = FUNCTIONS.get(name);
    if (fn != null) {
      skipSpaces();
      if (eat('^')) { // \sin^2 x = (\sin x)^2
        Expr power = exponent();
        return new Binary(Op.POW, new Call(fn, functionArg()), power);
      }
      return new Call(fn, functionArg());
    }
    if (GREEK.contains(name)) {
      return new Expr.Var("\\" + name + subscript());
    }
    throw new Fail("unknown command \\" + name);
  }

  private Expr logArgs() {
    skipSpaces();
    Expr base = Constant.E;
    if (eat('_')) {
      base = latexArg();
    }
    return new Expr.Log(base, functionArg());
  }

  /** A function's argument: {@code \sin^2 x} is {@code (\sin x)^2}; {@code \sin 2x} is {@code \sin(2x)}. */
  private Expr functionArg() {
    skipSpaces();
    if (pos < s.length() && s.charAt(pos) == '(') {
      return primary();
    }
    Expr arg = power();
    skipSpaces();
    while (startsPrimary() && s.charAt(pos) != '(' && s.charAt(pos) != '\\') {
      refuseDigitJuxtaposition();
      arg = new Binary(Op.MUL, arg, power());
      skipSpaces();
    }
    return arg;
  }

  /** A LaTeX macro argument: {@code {expr}} or a single character or command ({@code \frac12}). */
  private Expr latexArg() {
    skipSpaces();
    if (pos >= s.length()) {
      throw new Fail("missing argument");
    }
    char c = s.charAt(pos);
    if (c == '{') {
      pos++;
      Expr e = expr();
      expect('}');
      return e;
    }
    if (isDigit(c)) {
      pos++;
      return new Expr.Num(Rational.of(c - '0'));
    }
    if (isLetter(c)) {
      pos++;
      return c == 'e' ? Constant.E : new Expr.Var(String.valueOf(c));
    }
    if (c == '\\') {
      return command();
    }
    throw new Fail("bad argument");
  }

  private boolean startsPrimary() {
    if (pos >= s.length()) {
      return false;
    }
    char c = s.charAt(pos);
    if (isDigit(c) || isLetter(c) || c == '(' || c == '{' || c == '.') {
      return true;
    }
    if (c == '\\') {
      int i = pos + 1;
      while (i < s.length() && isLetter(s.charAt(i))) {
        i++;
      }
      String name = s.substring(pos + 1, i);
      return !name.isEmpty() && !name.equals("cdot") && !name.equals("times") && !name.equals("div")
          && !name.equals("ast");
    }
    return false;
  }

  private boolean eatCommand(String name) {
    int end = pos + 1 + name.length();
    if (pos < s.length() && s.charAt(pos) == '\\' && s.startsWith(name, pos + 1)
        && (end >= s.length() || !isLetter(s.charAt(end)))) {
      pos = end;
      return true;
    }
    return false;
  }

  private boolean eat(char c) {
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    skipSpaces();
    if (!eat(c)) {
      throw new Fail("expected '" + c + "'");
    }
  }

  private void skipSpaces() {
    while (pos < s.length() && s.charAt(pos) == ' ') {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
