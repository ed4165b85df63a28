package dev.align4j.rewards.code;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A strict parser for the Python that assert-style tests are made of: one or more statements separated by newlines
 * or {@code ;}, each {@code assert EXPR[, MESSAGE]}, {@code import math}, {@code from math import NAMES} or
 * {@code pass}; expressions as {@link PyExpr} describes. The message of an assert is never evaluated (it may hold the
 * expected value; nothing of it is kept). Whatever else Python allows is refused with an
 * {@link IllegalArgumentException} saying what and where, so a test is either understood completely or not run.
 * Nesting is limited to {@value #MAX_DEPTH} levels and a test to {@value #MAX_CHARS} characters.
 */
final class PyParser {
  static final int MAX_DEPTH = 100;
  static final int MAX_CHARS = 1 << 20;

  private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async",
      "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
      "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
      "while", "with", "yield");
  private static final Set<String> STRING_PREFIXES = Set.of("", "r", "u", "b", "br", "rb", "f", "fr", "rf");
  private static final List<String> OPERATORS = List.of("**", "//", "==", "!=", "<=", ">=", ":=", "<>", "->", "<<",
      ">>", "...", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "+", "-", "*", "/", "%", "<", ">", "=", "~",
      "@", "&", "|", "^", "!");

  private enum Kind { NAME, NUMBER, STRING, FSTRING, OP, NEWLINE, EOF }

  private record Token(Kind kind, String text, PyValue value, int line, int column) {
    boolean is(String op) {
      return (kind == Kind.OP || kind == Kind.NAME) && text.equals(op);
    }

    String where() {
      return "line " + line + ", column " + column;
    }
  }

  private final List<Token> tokens;
  private int at;
  private int depth;

  private PyParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** The assert expressions of a test, in order; at least one. */
  static List<PyExpr> parseAsserts(String test) {
    if (test.length() > MAX_CHARS) {
      throw new IllegalArgumentException("the test is longer than " + MAX_CHARS + " characters");
    }
    PyParser p = new PyParser(tokenize(test));
    List<PyExpr> asserts = new ArrayList<>();
    while (p.peek().kind() != Kind.EOF) {
      if (p.peek().kind() == Kind.NEWLINE) {
        p.at++;
        continue;
      }
      p.statement().ifPresent(asserts::add);
      Token end = p.peek();
      if (end.kind() != Kind.NEWLINE && end.kind() != Kind.EOF) {
        throw p.refuse(end, "unexpected '" + end.text() + "' after the statement");
      }
    }
    if (asserts.isEmpty()) {
      throw new IllegalArgumentException("the test holds no assert statement");
    }
    return asserts;
  }

  /** A single expression (tests of the parser and the stdin/stdout shape do not need statements). */
  static PyExpr parseExpression(String source) {
    PyParser p = new PyParser(tokenize(source));
    PyExpr e = p.expression();
    while (p.peek().kind() == Kind.NEWLINE) {
      p.at++;
    }
    if (p.peek().kind() != Kind.EOF) {
      throw p.refuse(p.peek(), "unexpected '" + p.peek().text() + "'");
    }
    return e;
  }

  private Optional<PyExpr> statement() {
    Token t = next();
    if (t.is("assert") && t.kind() == Kind.NAME) {
      PyExpr test = expression();
      if (peek().is(",")) { // the message: skipped, never evaluated
        at++;
        while (peek().kind() != Kind.NEWLINE && peek().kind() != Kind.EOF) {
          at++;
        }
      }
      return Optional.of(test);
    }
    if (t.is("pass")) {
      return Optional.empty();
    }
    if (t.is("import")) {
      expectName("math", "only 'import math' is accepted");
      return Optional.empty();
    }
    if (t.is("from")) {
      expectName("math", "only 'from math import ...' is accepted");
      expectName("import", "expected 'import'");
      do {
        Token name = next();
        if (name.kind() != Kind.NAME || KEYWORDS.contains(name.text())) {
          throw refuse(name, "expected a name to import from math");
        }
      } while (peek().is(",") && next() != null);
      return Optional.empty();
    }
    throw refuse(t, "only assert statements are accepted (and 'import math'), got '" + t.text() + "'");
  }

  private void expectName(String name, String message) {
    Token t = next();
    if (t.kind() != Kind.NAME || !t.text().equals(name)) {
      throw refuse(t, message);
    }
  }

  private PyExpr expression() {
    if (++depth > MAX_DEPTH) {
      throw refuse(peek(), "nesting deeper than " + MAX_DEPTH + " levels");
    }
    try {
      PyExpr e = orTest();
      if (peek().is("if") && peek().kind() == Kind.NAME) {
        throw refuse(peek(), "conditional expressions are not supported");
      }
      if (peek().is("for") && peek().kind() == Kind.NAME) {
        throw refuse(peek(), "comprehensions and generator expressions are not supported");
      }
      if (peek().is(":=")) {
        throw refuse(peek(), "assignment expressions are not supported");
      }
      return e;
    } finally {
      depth--;
    }
  }

  private PyExpr orTest() {
    PyExpr first = andTest();
    if (!keyword("or")) {
      return first;
    }
    List<PyExpr> all = new ArrayList<>(List.of(first));
    while (keyword("or")) {
      at++;
      all.add(andTest());
    }
    return new PyExpr.BoolOp(false, all);
  }

  private PyExpr andTest() {
    PyExpr first = notTest();
    if (!keyword("and")) {
      return first;
    }
    List<PyExpr> all = new ArrayList<>(List.of(first));
    while (keyword("and")) {
      at++;
      all.add(notTest());
    }
    return new PyExpr.BoolOp(true, all);
  }

  private PyExpr notTest() {
    if (keyword("not")) {
      at++;
      return new PyExpr.Unary(PyExpr.Unary.Op.NOT, nested(this::notTest));
    }
    return comparison();
  }

  private PyExpr comparison() {
    List<PyExpr> operands = new ArrayList<>(List.of(arith()));
    List<PyExpr.Compare.CmpOp> ops = new ArrayList<>();
    while (true) {
      Token t = peek();
      PyExpr.Compare.CmpOp op;
      if (t.is("==")) {
        op = PyExpr.Compare.CmpOp.EQ;
      } else if (t.is("!=")) {
        op = PyExpr.Compare.CmpOp.NE;
      } else if (t.is("<")) {
        op = PyExpr.Compare.CmpOp.LT;
      } else if (t.is("<=")) {
        op = PyExpr.Compare.CmpOp.LE;
      } else if (t.is(">")) {
        op = PyExpr.Compare.CmpOp.GT;
      } else if (t.is(">=")) {
        op = PyExpr.Compare.CmpOp.GE;
      } else if (keyword("in")) {
        op = PyExpr.Compare.CmpOp.IN;
      } else if (keyword("not") && tokens.get(at + 1).is("in") && tokens.get(at + 1).kind() == Kind.NAME) {
        at++;
        op = PyExpr.Compare.CmpOp.NOT_IN;
      } else if (keyword("is")) {
        if (tokens.get(at + 1).is("not") && tokens.get(at + 1).kind() == Kind.NAME) {
          at++;
          op = PyExpr.Compare.CmpOp.IS_NOT;
        } else {
          op = PyExpr.Compare.CmpOp.IS;
        }
      } else {
        break;
      }
      at++;
      ops.add(op);
      operands.add(arith());
    }
    return ops.isEmpty() ? operands.get(0) : new PyExpr.Compare(operands, ops);
  }

  private PyExpr arith() {
    PyExpr left = term();
    while (peek().is("+") || peek().is("-")) {
      PyExpr.Binary.Op op = next().text().equals("+") ? PyExpr.Binary.Op.ADD : PyExpr.Binary.Op.SUB;
      left = new PyExpr.Binary(op, left, term());
    }
    return left;
  }

  private PyExpr term() {
    PyExpr left = factor();
    while (true) {
      PyExpr.Binary.Op op;
      if (peek().is("*")) {
        op = PyExpr.Binary.Op.MUL;
      } else if (peek().is("/")) {
        op = PyExpr.Binary.Op.DIV;
      } else if (peek().is("//")) {
        op = PyExpr.Binary.Op.FLOOR_DIV;
      } else if (peek().is("%")) {
        op = PyExpr.Binary.Op.MOD;
      } else {
        return left;
      }
      at++;
      left = new PyExpr.Binary(op, left, factor());
    }
  }

  private PyExpr factor() {
    Token t = peek();
    PyExpr.Unary.Op op = t.is("-") ? PyExpr.Unary.Op.NEG : t.is("+") ? PyExpr.Unary.Op.POS
        : t.is("~") ? PyExpr.Unary.Op.INVERT : null;
    if (op != null && t.kind() == Kind.OP) {
      at++;
      return new PyExpr.Unary(op, nested(this::factor));
    }
    return power();
  }

  private PyExpr power() {
    PyExpr base = primary();
    if (peek().is("**")) {
      at++;
      return new PyExpr.Binary(PyExpr.Binary.Op.POW, base, nested(this::factor));
    }
    return base;
  }

  private PyExpr primary() {
    PyExpr e = atom();
    while (true) {
      Token t = peek();
      if (t.is("(") && t.kind() == Kind.OP) {
        at++;
        e = new PyExpr.Call(e, arguments());
      } else if (t.is("[") && t.kind() == Kind.OP) {
        at++;
        e = new PyExpr.Subscript(e, subscript());
      } else if (t.is(".") && t.kind() == Kind.OP) {
        at++;
        Token name = next();
        if (name.kind() != Kind.NAME || KEYWORDS.contains(name.text())) {
          throw refuse(name, "expected an attribute name after '.'");
        }
        e = new PyExpr.Attribute(e, name.text());
      } else {
        return e;
      }
    }
  }

  private List<PyExpr.Arg> arguments() {
    List<PyExpr.Arg> args = new ArrayList<>();
    while (!peek().is(")")) {
      Token t = peek();
      if (t.is("*") || t.is("**")) {
        at++;
        args.add(new PyExpr.Arg(t.text().equals("*") ? PyExpr.Arg.Kind.STAR : PyExpr.Arg.Kind.DOUBLE_STAR,
            Optional.empty(), expression()));
      } else if (t.kind() == Kind.NAME && !KEYWORDS.contains(t.text()) && tokens.get(at + 1).is("=")) {
        at += 2;
        args.add(new PyExpr.Arg(PyExpr.Arg.Kind.KEYWORD, Optional.of(t.text()), expression()));
      } else {
        args.add(new PyExpr.Arg(PyExpr.Arg.Kind.POSITIONAL, Optional.empty(), expression()));
      }
      if (!peek().is(",")) {
        break;
      }
      at++;
    }
    expect(")");
    return args;
  }

  private PyExpr subscript() {
    List<PyExpr> items = new ArrayList<>();
    boolean trailingComma = false;
    while (!peek().is("]")) {
      items.add(sliceItem());
      trailingComma = peek().is(",");
      if (!trailingComma) {
        break;
      }
      at++;
    }
    expect("]");
    if (items.isEmpty()) {
      throw refuse(peek(), "empty subscript");
    }
    return items.size() == 1 && !trailingComma ? items.get(0) : new PyExpr.Display(PyExpr.Display.Kind.TUPLE, items);
  }

  private PyExpr sliceItem() {
    Optional<PyExpr> lower = peek().is(":") ? Optional.empty() : Optional.of(expression());
    if (!peek().is(":")) {
      return lower.orElseThrow();
    }
    at++;
    Optional<PyExpr> upper = peek().is(":") || peek().is("]") || peek().is(",") ? Optional.empty()
        : Optional.of(expression());
    Optional<PyExpr> step = Optional.empty();
    if (peek().is(":")) {
      at++;
      step = peek().is("]") || peek().is(",") ? Optional.empty() : Optional.of(expression());
    }
    return new PyExpr.Slice(lower, upper, step);
  }

  private PyExpr atom() {
    Token t = next();
    switch (t.kind()) {
      case NUMBER:
        return new PyExpr.Const(t.value());
      case STRING:
        return strings(t);
      case FSTRING:
        throw refuse(t, "f-strings are not supported");
      case NAME:
        switch (t.text()) {
          case "True":
            return new PyExpr.Const(PyValue.Num.TRUE);
          case "False":
            return new PyExpr.Const(PyValue.Num.FALSE);
          case "None":
            return new PyExpr.Const(PyValue.None.INSTANCE);
          default:
            if (KEYWORDS.contains(t.text())) {
              throw refuse(t, "'" + t.text() + "' is not supported here");
            }
            return new PyExpr.Name(t.text());
        }
      case OP:
        if (t.is("(")) {
          return display(PyExpr.Display.Kind.TUPLE, ")");
        }
        if (t.is("[")) {
          return display(PyExpr.Display.Kind.LIST, "]");
        }
        if (t.is("{")) {
          return braces();
        }
        throw refuse(t, "unexpected '" + t.text() + "'");
      default:
        throw refuse(t, t.kind() == Kind.EOF ? "unexpected end of the test" : "unexpected end of the line");
    }
  }

  /** Adjacent string literals concatenate (all str or all bytes). */
  private PyExpr strings(Token first) {
    PyValue v = first.value();
    while (peek().kind() == Kind.STRING || peek().kind() == Kind.FSTRING) {
      Token t = next();
      if (t.kind() == Kind.FSTRING) {
        throw refuse(t, "f-strings are not supported");
      }
      if (v instanceof PyValue.Str a && t.value() instanceof PyValue.Str b) {
        int[] x = a.codePoints();
        int[] y = b.codePoints();
        int[] both = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, both, x.length, y.length);
        v = new PyValue.Str(both);
      } else if (v instanceof PyValue.Bytes a && t.value() instanceof PyValue.Bytes b) {
        byte[] x = a.bytes();
        byte[] y = b.bytes();
        byte[] both = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, both, x.length, y.length);
        v = new PyValue.Bytes(both);
      } else {
        throw refuse(t, "cannot mix bytes and nonbytes literals");
      }
    }
    return new PyExpr.Const(v);
  }

  private PyExpr display(PyExpr.Display.Kind kind, String close) {
    List<PyExpr> items = new ArrayList<>();
    boolean comma = false;
    while (!peek().is(close)) {
      if (peek().is("*")) {
        throw refuse(peek(), "starred items in displays are not supported");
      }
      items.add(expression());
      comma = peek().is(",");
      if (!comma) {
        break;
      }
      at++;
    }
    expect(close);
    if (kind == PyExpr.Display.Kind.TUPLE && items.size() == 1 && !comma) {
      return items.get(0); // a parenthesized expression
    }
    return new PyExpr.Display(kind, items);
  }

  private PyExpr braces() {
    if (peek().is("}")) {
      at++;
      return new PyExpr.DictDisplay(List.of(), List.of());
    }
    if (peek().is("**") || peek().is("*")) {
      throw refuse(peek(), "unpacking in displays is not supported");
    }
    PyExpr first = expression();
    if (!peek().is(":")) {
      List<PyExpr> items = new ArrayList<>(List.of(first));
      while (peek().is(",")) {
        at++;
        if (peek().is("}")) {
          break;
        }
        items.add(expression());
      }
      expect("}");
      return new PyExpr.Display(PyExpr.Display.Kind.SET, items);
    }
    List<PyExpr> keys = new ArrayList<>();
    List<PyExpr> values = new ArrayList<>();
    PyExpr key = first;
    while (true) {
      expect(":");
      keys.add(key);
      values.add(expression());
      if (!peek().is(",")) {
        break;
      }
      at++;
      if (peek().is("}")) {
        break;
      }
      if (peek().is("**")) {
        throw refuse(peek(), "unpacking in displays is not supported");
      }
      key = expression();
    }
    expect("}");
    return new PyExpr.DictDisplay(keys, values);
  }

  private PyExpr nested(java.util.function.Supplier<PyExpr> parse) {
    if (++depth > MAX_DEPTH) {
      throw refuse(peek(), "nesting deeper than " + MAX_DEPTH + " levels");
    }
    try {
      return parse.get();
    } finally {
      depth--;
    }
  }

  private boolean keyword(String k) {
    Token t = peek();
    return t.kind() == Kind.NAME && t.text().equals(k);
  }

  private void expect(String op) {
    Token t = next();
    if (!(t.kind() == Kind.OP && t.text().equals(op))) {
      throw refuse(t, "expected '" + op + "', got " + (t.kind() == Kind.EOF ? "the end" : "'" + t.text() + "'"));
    }
  }

  private Token peek() {
    return tokens.get(at);
  }

  private Token next() {
    Token t = tokens.get(at);
    if (t.kind() != Kind.EOF) {
      at++;
    }
    return t;
  }

  private IllegalArgumentException refuse(Token t, String message) {
    return new IllegalArgumentException(message + " (" + t.where() + ")");
  }

  // ---------------------------------------------------------------------------------------------- tokenizer

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int line = 1;
    int lineStart = 0;
    int brackets = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int col = i - lineStart + 1;
      if (c == ' ' || c == '\t' || c == '\f') {
        i++;
      } else if (c == '\\' && (s.startsWith("\n", i + 1) || s.startsWith("\r\n", i + 1))) {
        i += s.charAt(i + 1) == '\r' ? 3 : 2;
        line++;
        lineStart = i;
      } else if (c == '#') {
        while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
          i++;
        }
      } else if (c == '\n' || c == '\r') {
        i += c == '\r' && s.startsWith("\n", i + 1) ? 2 : 1;
        if (brackets == 0) {
          out.add(new Token(Kind.NEWLINE, "newline", null, line, col));
        }
        line++;
        lineStart = i;
      } else if (c == ';' && brackets == 0) {
        out.add(new Token(Kind.NEWLINE, ";", null, line, col));
        i++;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int end = numberEnd(s, i);
        out.add(new Token(Kind.NUMBER, s.substring(i, end), number(s.substring(i, end), line, col), line, col));
        i = end;
      } else if (c == '_' || Character.isUnicodeIdentifierStart(s.codePointAt(i))) {
        int end = i + Character.charCount(s.codePointAt(i));
        while (end < s.length() && (s.charAt(end) == '_'
            || Character.isUnicodeIdentifierPart(s.codePointAt(end)) && !Character.isIdentifierIgnorable(s.codePointAt(end)))) {
          end += Character.charCount(s.codePointAt(end));
        }
        String word = s.substring(i, end);
        if (end < s.length() && (s.charAt(end) == '\'' || s.charAt(end) == '"')
            && STRING_PREFIXES.contains(word.toLowerCase(java.util.Locale.ROOT))) {
          int[] next = new int[1];
          Token str = string(s, end, word.toLowerCase(java.util.Locale.ROOT), line, col, next);
          line += countLines(s, i, next[0]);
          lineStart = lastLineStart(s, i, next[0], lineStart);
          out.add(str);
          i = next[0];
        } else {
          out.add(new Token(Kind.NAME, word, null, line, col));
          i = end;
        }
      } else if (c == '\'' || c == '"') {
        int[] next = new int[1];
        Token str = string(s, i, "", line, col, next);
        line += countLines(s, i, next[0]);
        lineStart = lastLineStart(s, i, next[0], lineStart);
        out.add(str);
        i = next[0];
      } else {
        String op = null;
        for (String o : OPERATORS) {
          if (s.startsWith(o, i)) {
            op = o;
            break;
          }
        }
        if (op == null) {
          throw new IllegalArgumentException("unexpected character '" + c + "' (line " + line + ", column " + col + ")");
        }
        if (Set.of(":=", "<>", "->", "<<", ">>", "...", "@", "&", "|", "^", "!", "=").contains(op)
            && !(op.equals("=") && brackets > 0)) {
          throw new IllegalArgumentException("operator '" + op + "' is not supported (line " + line + ", column "
              + col + ")");
        }
        if (op.equals("(") || op.equals("[") || op.equals("{")) {
          brackets++;
        } else if (op.equals(")") || op.equals("]") || op.equals("}")) {
          brackets = Math.max(0, brackets - 1);
        }
        out.add(new Token(Kind.OP, op, null, line, col));
        i += op.length();
      }
    }
    out.add(new Token(Kind.EOF, "end", null, line, s.length() - lineStart + 1));
    return out;
  }

  private static int countLines(String s, int from, int to) {
    int n = 0;
    for (int k = from; k < to; k++) {
      if (s.charAt(k) == '\n') {
        n++;
      }
    }
    return n;
  }

  private static int lastLineStart(String s, int from, int to, int current) {
    int nl = s.lastIndexOf('\n', to - 1);
    return nl >= from ? nl + 1 : current;
  }

  private static Token string(String s, int quoteAt, String prefix, int line, int col, int[] next) {
    char q = s.charAt(quoteAt);
    boolean triple = s.startsWith(String.valueOf(q).repeat(3), quoteAt);
    String close = triple ? String.valueOf(q).repeat(3) : String.valueOf(q);
    int i = quoteAt + close.length();
    int bodyStart = i;
    while (true) {
      if (i >= s.length()) {
        throw new IllegalArgumentException("unterminated string literal (line " + line + ", column " + col + ")");
      }
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (!triple && (c == '\n' || c == '\r')) {
        throw new IllegalArgumentException("unterminated string literal (line " + line + ", column " + col + ")");
      }
      if (s.startsWith(close, i)) {
        break;
      }
      i++;
    }
    String body = s.substring(bodyStart, i);
    next[0] = i + close.length();
    boolean raw = prefix.contains("r");
    if (prefix.contains("f")) {
      return new Token(Kind.FSTRING, s.substring(quoteAt, next[0]), null, line, col);
    }
    try {
      PyValue v = prefix.contains("b") ? new PyValue.Bytes(PyLiterals.decodeBytes(body, raw))
          : new PyValue.Str(PyLiterals.decodeStr(body, raw));
      return new Token(Kind.STRING, s.substring(quoteAt, next[0]), v, line, col);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (line " + line + ", column " + col + ")");
    }
  }

  private static int numberEnd(String s, int i) {
    int end = i;
    while (end < s.length()) {
      char c = s.charAt(end);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
        end++;
      } else if ((c == '+' || c == '-') && end > i && (s.charAt(end - 1) == 'e' || s.charAt(end - 1) == 'E')
          && !isPrefixedInteger(s, i)) {
        end++;
      } else {
        break;
      }
    }
    return end;
  }

  private static boolean isPrefixedInteger(String s, int i) {
    return s.length() > i + 1 && s.charAt(i) == '0' && "xXoObB".indexOf(s.charAt(i + 1)) >= 0;
  }

  private static final java.util.regex.Pattern DEC = java.util.regex.Pattern.compile("(?:0(?:_?0)*|[1-9](?:_?[0-9])*)");
  private static final java.util.regex.Pattern FLOAT = java.util.regex.Pattern.compile(
      "(?:[0-9](?:_?[0-9])*)?(?:\\.(?:[0-9](?:_?[0-9])*)?)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?");

  private static PyValue number(String text, int line, int col) {
    String where = " (line " + line + ", column " + col + ")";
    if (text.endsWith("j") || text.endsWith("J")) {
      throw new IllegalArgumentException("complex literals are not supported" + where);
    }
    if (isPrefixedInteger(text, 0)) {
      int radix = switch (Character.toLowerCase(text.charAt(1))) {
        case 'x' -> 16;
        case 'o' -> 8;
        default -> 2;
      };
      String digits = text.substring(2);
      if (!digits.matches("(?:_?[0-9a-zA-Z])+") || digits.endsWith("_")) {
        throw new IllegalArgumentException("invalid number '" + text + "'" + where);
      }
      try {
        return PyValue.Num.ofInt(new BigInteger(digits.replace("_", ""), radix));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid number '" + text + "'" + where);
      }
    }
    if (DEC.matcher(text).matches()) {
      String digits = text.replace("_", "");
      if (digits.length() > 4300) { // CPython >= 3.11 refuses longer decimal literals
        throw new IllegalArgumentException("integer literal with more than 4300 digits" + where);
      }
      return PyValue.Num.ofInt(new BigInteger(digits));
    }
    boolean floatLike = text.contains(".") || text.contains("e") || text.contains("E");
    if (floatLike && FLOAT.matcher(text).matches() && text.chars().anyMatch(Character::isDigit)
        && !text.startsWith("e") && !text.startsWith("E")) {
      String t = text.replace("_", "");
      if (t.startsWith(".") || t.startsWith("e") || t.startsWith("E")) {
        t = "0" + t;
      }
      int e = Math.max(t.indexOf('e'), t.indexOf('E'));
      String mantissa = e < 0 ? t : t.substring(0, e);
      if (mantissa.equals(".") || mantissa.isEmpty()) {
        throw new IllegalArgumentException("invalid number '" + text + "'" + where);
      }
      return PyValue.Num.ofFloat(Double.parseDouble(t));
    }
    throw new IllegalArgumentException("invalid number '" + text + "'" + where);
  }
}
