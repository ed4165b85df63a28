package dev.align4j.rewards.code;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One test of a code task. Two shapes, both judged outside the sandbox:
 * <ul>
 *   <li>{@link Assertion}: Python {@code assert} statements such as {@code assert f(2, [1, 3]) == (4, 'x')},
 *       {@code assert is_prime(7)}, {@code assert not f(0)}, {@code assert abs(area(2) - 12.566) < 1e-3},
 *       {@code assert math.isclose(g(1), 0.5, rel_tol=1e-6)}, {@code assert 3 in h()}, {@code assert k() is None};
 *       only the calls run in the sandbox, see {@link AssertPlan} for exactly what is accepted;
 *   <li>{@link StdinStdout}: the solution runs as a program with {@code stdin} as its input, and passes when it
 *       exits with status 0 and its output matches {@code stdout} line by line, ignoring trailing whitespace on each
 *       line and trailing empty lines (as competitive-programming judges do); at most 8 MiB of output is kept (more fails the test).
 * </ul>
 * JSONL form ({@code verify --checker code}): a string is an assertion, {@code {"stdin": "...", "stdout": "..."}} a
 * stdin/stdout test.
 */
public sealed interface CodeTest {

  /** Assert statements (one or more, separated by newlines or {@code ;}). */
  record Assertion(String source) implements CodeTest {
    public Assertion {
      Objects.requireNonNull(source, "source");
    }
  }

  /** A program run: its input and the expected output. */
  record StdinStdout(String stdin, String stdout) implements CodeTest {
    public StdinStdout {
      Objects.requireNonNull(stdin, "stdin");
      Objects.requireNonNull(stdout, "stdout");
    }

    /** Whether {@code actual} matches the expected output (line-wise, trailing whitespace ignored). */
    public boolean matches(String actual) {
      return normalizedLines(actual).equals(normalizedLines(stdout));
    }

    static List<String> normalizedLines(String s) {
      List<String> lines = new ArrayList<>();
      for (String line : s.split("\r\n|\n|\r", -1)) {
        lines.add(line.stripTrailing());
      }
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      return lines;
    }
  }

  static CodeTest assertion(String source) {
    return new Assertion(source);
  }

  static CodeTest stdinStdout(String stdin, String expectedStdout) {
    return new StdinStdout(stdin, expectedStdout);
  }

  /** Assertion tests from their sources. */
  static List<CodeTest> assertions(List<String> sources) {
    return sources.stream().map(CodeTest::assertion).toList();
  }
}
