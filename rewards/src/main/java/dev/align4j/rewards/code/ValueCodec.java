package dev.align4j.rewards.code;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what the sandbox's "calls" job wrote on its result descriptor: frames {@code <tag><decimal length>:<bytes>},
 * <pre>
 *   S        the solution's top level ran        X msg   it raised or exited instead (no calls follow)
 *   V value  the next call returned value        E msg   the next call raised, or its value could not be sent
 *   ! msg    the sandbox could not be set up
 * </pre>
 * and values serialized by the harness's encoder: {@code N T F}, {@code i<hex>;} (int), {@code f<float.hex()>;},
 * {@code s<n>:<utf-8, surrogatepass>}, {@code b<n>:<bytes>}, {@code l t S Z d<count>:<items>} (list, tuple, set,
 * frozenset, dict as key value ...), {@code u<n>:<type name>} (a value of another type).
 *
 * <p>The solution runs in the process that writes these frames, so it can write anything there: the parser is strict
 * and bounded (nesting {@value #MAX_DEPTH}, counts checked against the bytes left), and anything malformed ends the
 * stream (later calls count as missing). Forging frames gains nothing: a frame can only claim a plain value for a
 * call, which the solution could as well have returned; the comparison with the expected value happens here.
 */
final class ValueCodec {
  static final int MAX_DEPTH = 101;
  /** Shared values of -256 .. 255 (long lists of small ints are common; each decoded value costs heap). */
  private static final PyValue.Num[] SMALL_INTS = new PyValue.Num[512];

  static {
    for (int i = 0; i < SMALL_INTS.length; i++) {
      SMALL_INTS[i] = PyValue.Num.ofInt(i - 256);
    }
  }

  private ValueCodec() {}

  /** The "calls" job's outcome: whether the solution ran, and one outcome per call. */
  record CallsReport(Optional<String> solutionFailure, Optional<String> setupFailure, List<CallOutcome> calls,
                     Optional<String> malformed) {}

  static CallsReport readFrames(byte[] results, int callCount, String missingWhy) {
    ByteBuffer in = ByteBuffer.wrap(results);
    List<CallOutcome> calls = new ArrayList<>();
    Optional<String> solutionFailure = Optional.of("the solution did not finish (" + missingWhy + ")");
    Optional<String> setup = Optional.empty();
    Optional<String> malformed = Optional.empty();
    boolean started = false;
    try {
      while (in.hasRemaining()) {
        char tag = (char) in.get();
        byte[] payload = blob(in);
        String text = new String(payload, StandardCharsets.UTF_8);
        switch (tag) {
          case '!' -> setup = Optional.of(text);
          case 'S' -> {
            if (started || !calls.isEmpty()) {
              throw new IllegalArgumentException("a second start frame");
            }
            started = true;
            solutionFailure = Optional.empty();
          }
          case 'X' -> {
            if (started) {
              throw new IllegalArgumentException("a solution failure after its start");
            }
            solutionFailure = Optional.of(text);
          }
          case 'V', 'E' -> {
            if (!started || calls.size() >= callCount) {
              throw new IllegalArgumentException("a value frame out of place");
            }
            calls.add(tag == 'E' ? new CallOutcome.Raised(text) : new CallOutcome.Returned(decode(payload)));
          }
          default -> throw new IllegalArgumentException("unknown frame tag");
        }
        if (setup.isPresent()) {
          break;
        }
      }
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      malformed = Optional.of("malformed result stream: " + (e.getMessage() == null ? "truncated" : e.getMessage()));
    }
    while (calls.size() < callCount) {
      calls.add(new CallOutcome.Missing(malformed.isPresent() ? "no value (malformed result stream)"
          : solutionFailure.isPresent() ? "not run" : "no value (" + missingWhy + ")"));
    }
    return new CallsReport(solutionFailure, setup, calls, malformed);
  }

  /** Decodes one serialized value; the whole blob must be consumed. */
  static PyValue decode(byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob);
    PyValue v = value(in, 0);
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("trailing bytes after a value");
    }
    return v;
  }

  private static PyValue value(ByteBuffer in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("value nested too deeply");
    }
    char tag = (char) in.get();
    switch (tag) {
      case 'N':
        return PyValue.None.INSTANCE;
      case 'T':
        return PyValue.Num.TRUE;
      case 'F':
        return PyValue.Num.FALSE;
      case 'i': {
        String hex = until(in, ';', 1 << 22);
        if (!hex.matches("-?[0-9a-f]+")) {
          throw new IllegalArgumentException("bad int");
        }
        BigInteger v = new BigInteger(hex, 16);
        return v.bitLength() < 9 ? SMALL_INTS[v.intValue() + 256] : PyValue.Num.ofInt(v);
      }
      case 'f':
        return PyValue.Num.ofFloat(parseFloatHex(until(in, ';', 64)));
      case 's':
        return new PyValue.Str(utf8SurrogatePass(blob(in)));
      case 'b':
        return new PyValue.Bytes(blob(in));
      case 'l':
      case 't': {
        int n = count(in);
        List<PyValue> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(value(in, depth + 1));
        }
        return new PyValue.Seq(tag == 't', items);
      }
      case 'S':
      case 'Z': {
        int n = count(in);
        List<PyValue> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(value(in, depth + 1));
        }
        return PyOps.set(tag == 'Z', items);
      }
      case 'd': {
        int n = count(in);
        Map<PyValue, PyValue> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          PyValue k = value(in, depth + 1);
          PyOps.put(m, k, value(in, depth + 1));
        }
        return new PyValue.Dict(m);
      }
      case 'u':
        return new PyValue.Opaque(new String(blob(in), StandardCharsets.UTF_8));
      default:
        throw new IllegalArgumentException("unknown value tag");
    }
  }

  private static int count(ByteBuffer in) {
    long n = Long.parseLong(until(in, ':', 12));
    if (n < 0 || n > in.remaining()) { // every item takes at least one byte
      throw new IllegalArgumentException("bad count");
    }
    return (int) n;
  }

  private static byte[] blob(ByteBuffer in) {
    String digits = until(in, ':', 12);
    if (!digits.matches("[0-9]+")) {
      throw new IllegalArgumentException("bad length");
    }
    long n = Long.parseLong(digits);
    if (n > in.remaining()) {
      throw new IllegalArgumentException("length past the end");
    }
    byte[] b = new byte[(int) n];
    in.get(b);
    return b;
  }

  private static String until(ByteBuffer in, char end, int max) {
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = (char) (in.get() & 0xFF);
      if (c == end) {
        return b.toString();
      }
      if (b.length() >= max || c > 0x7E) {
        throw new IllegalArgumentException("field too long or not ASCII");
      }
      b.append(c);
    }
  }

  /** {@code float.hex()} output: {@code [-]0x1.<hex>p<exp>}, {@code [-]0x0.0p+0}, {@code inf}, {@code nan}. */
  private static double parseFloatHex(String s) {
    switch (s) {
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      case "nan":
      case "-nan":
        return Double.NaN;
      default:
        if (!s.matches("-?0x[01]\\.[0-9a-f]+p[+-][0-9]+")) {
          throw new IllegalArgumentException("bad float");
        }
        return Double.parseDouble(s); // Java reads hexadecimal floating-point literals exactly
    }
  }

  /** UTF-8 as CPython's "surrogatepass" writes it: lone surrogates are 3-byte sequences. */
  private static int[] utf8SurrogatePass(byte[] b) {
    int[] out = new int[b.length];
    int n = 0;
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xFF;
      int len = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
      if (len == 0 || i + len > b.length) {
        throw new IllegalArgumentException("bad utf-8");
      }
      int cp = len == 1 ? c : c & (0xFF >> (len + 1));
      for (int k = 1; k < len; k++) {
        int cont = b[i + k] & 0xFF;
        if ((cont & 0xC0) != 0x80) {
          throw new IllegalArgumentException("bad utf-8");
        }
        cp = (cp << 6) | (cont & 0x3F);
      }
      int min = len == 2 ? 0x80 : len == 3 ? 0x800 : len == 4 ? 0x10000 : 0;
      if (cp < min || cp > 0x10FFFF) {
        throw new IllegalArgumentException("bad utf-8");
      }
      out[n++] = cp;
      i += len;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
