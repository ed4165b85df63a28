package dev.align4j.rewards.code;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Python string and bytes literals: decoding the body of a literal as the CPython tokenizer does (escape
 * sequences, raw strings) and rendering values back as ASCII-only literals ({@code ascii()}-style: every
 * non-ASCII or non-printable character escaped), which is how call expressions are written into the sandbox.
 */
final class PyLiterals {
  private PyLiterals() {}

  /** The code points of a str literal's body ({@code raw}: backslashes kept as written). */
  static int[] decodeStr(String body, boolean raw) {
    int[] out = new int[body.length()];
    int n = 0;
    int i = 0;
    while (i < body.length()) {
      int c = body.codePointAt(i);
      if (c != '\\' || raw) {
        out[n++] = c;
        i += Character.charCount(c);
        if (raw && c == '\\' && i < body.length()) { // a raw string keeps "\x" but the escaped quote stays in it
          int d = body.codePointAt(i);
          out[n++] = d;
          i += Character.charCount(d);
        }
        continue;
      }
      if (i + 1 >= body.length()) {
        throw new IllegalArgumentException("a string literal ends with a backslash");
      }
      char e = body.charAt(i + 1);
      i += 2;
      switch (e) {
        case '\n' -> { } // line continuation inside the literal
        case '\\', '\'', '"' -> out[n++] = e;
        case 'a' -> out[n++] = 7;
        case 'b' -> out[n++] = 8;
        case 'f' -> out[n++] = 12;
        case 'n' -> out[n++] = 10;
        case 'r' -> out[n++] = 13;
        case 't' -> out[n++] = 9;
        case 'v' -> out[n++] = 11;
        case 'x' -> {
          out[n++] = hex(body, i, 2);
          i += 2;
        }
        case 'u' -> {
          out[n++] = hex(body, i, 4);
          i += 4;
        }
        case 'U' -> {
          int cp = hex(body, i, 8);
          if (cp > 0x10FFFF) {
            throw new IllegalArgumentException("\\U escape out of the unicode range");
          }
          out[n++] = cp;
          i += 8;
        }
        case 'N' -> {
          int close = body.indexOf('}', i);
          if (i >= body.length() || body.charAt(i) != '{' || close < 0) {
            throw new IllegalArgumentException("malformed \\N{...} escape");
          }
          try {
            out[n++] = Character.codePointOf(body.substring(i + 1, close));
          } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("unknown unicode character name in \\N{...}");
          }
          i = close + 1;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '7'; k++) {
              v = v * 8 + body.charAt(i++) - '0';
            }
            out[n++] = v;
          } else { // CPython keeps an unknown escape as written (with a warning)
            out[n++] = '\\';
            i -= 1;
          }
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The bytes of a bytes literal's body; only ASCII characters may appear in it. */
  static byte[] decodeBytes(String body, boolean raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c > 0x7F) {
        throw new IllegalArgumentException("bytes can only contain ASCII literal characters");
      }
      if (c != '\\' || raw) {
        out.write(c);
        i++;
        if (raw && c == '\\' && i < body.length()) {
          out.write(body.charAt(i++));
        }
        continue;
      }
      if (i + 1 >= body.length()) {
        throw new IllegalArgumentException("a bytes literal ends with a backslash");
      }
      char e = body.charAt(i + 1);
      i += 2;
      switch (e) {
        case '\n' -> { }
        case '\\', '\'', '"' -> out.write(e);
        case 'a' -> out.write(7);
        case 'b' -> out.write(8);
        case 'f' -> out.write(12);
        case 'n' -> out.write(10);
        case 'r' -> out.write(13);
        case 't' -> out.write(9);
        case 'v' -> out.write(11);
        case 'x' -> {
          out.write(hex(body, i, 2));
          i += 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '7'; k++) {
              v = v * 8 + body.charAt(i++) - '0';
            }
            if (v > 0xFF) {
              throw new IllegalArgumentException("octal escape out of the byte range");
            }
            out.write(v);
          } else {
            out.write('\\');
            i -= 1;
          }
        }
      }
    }
    return out.toByteArray();
  }

  private static int hex(String s, int at, int digits) {
    if (at + digits > s.length()) {
      throw new IllegalArgumentException("truncated \\x, \\u or \\U escape");
    }
    int v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(s.charAt(at + k), 16);
      if (d < 0) {
        throw new IllegalArgumentException("bad hex digit in an escape");
      }
      v = v * 16 + d;
    }
    return v;
  }

  /** An ASCII-only str literal for these code points, quoted as CPython's repr chooses. */
  static String quote(int[] codePoints) {
    boolean single = false;
    boolean dbl = false;
    for (int cp : codePoints) {
      single |= cp == '\'';
      dbl |= cp == '"';
    }
    char q = single && !dbl ? '"' : '\'';
    StringBuilder b = new StringBuilder(codePoints.length + 2).append(q);
    for (int cp : codePoints) {
      if (cp == q || cp == '\\') {
        b.append('\\').append((char) cp);
      } else if (cp == '\n') {
        b.append("\\n");
      } else if (cp == '\r') {
        b.append("\\r");
      } else if (cp == '\t') {
        b.append("\\t");
      } else if (cp >= 0x20 && cp < 0x7F) {
        b.append((char) cp);
      } else if (cp <= 0xFF) {
        b.append(String.format("\\x%02x", cp));
      } else if (cp <= 0xFFFF) {
        b.append(String.format("\\u%04x", cp));
      } else {
        b.append(String.format("\\U%08x", cp));
      }
    }
    return b.append(q).toString();
  }

  /** A bytes literal for {@code bytes}, as CPython's repr writes it. */
  static String quoteBytes(byte[] bytes) {
    boolean single = false;
    boolean dbl = false;
    for (byte x : bytes) {
      single |= x == '\'';
      dbl |= x == '"';
    }
    char q = single && !dbl ? '"' : '\'';
    StringBuilder b = new StringBuilder(bytes.length + 3).append('b').append(q);
    for (byte x : bytes) {
      int c = x & 0xFF;
      if (c == q || c == '\\') {
        b.append('\\').append((char) c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c >= 0x20 && c < 0x7F) {
        b.append((char) c);
      } else {
        b.append(String.format("\\x%02x", c));
      }
    }
    return b.append(q).toString();
  }
}
