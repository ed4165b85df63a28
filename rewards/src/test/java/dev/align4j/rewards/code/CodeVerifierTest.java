package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verdict.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier end to end on the strongest sandbox here: stdin/stdout tests (what a program sees and how its
 * output is compared), assert shapes whose values make the round trip through the sandbox's serialization, refused
 * shapes, mixed test lists, and the statuses.
 */
class CodeVerifierTest {
  private static CodeVerifier verifier;

  @BeforeAll
  static void sandbox() {
    verifier = new CodeVerifier(Sandbox.create(SandboxLimits.defaults().withWallClock(Duration.ofSeconds(3)),
        PythonInterpreter.resolve()));
  }

  private static Verdict verify(String code, CodeTest... tests) {
    return verifier.verify("```python\n" + code + "\n```", List.of(tests));
  }

  private static CodeTest io(String stdin, String stdout) {
    return CodeTest.stdinStdout(stdin, stdout);
  }

  @Test
  void stdinStdoutProgramsAreComparedLineByLineIgnoringTrailingWhitespace() {
    String sum = "import sys\nnums = list(map(int, sys.stdin.read().split()))\nprint(sum(nums))\nprint('done')";
    Verdict v = verify(sum, io("1 2 3\n", "6\ndone\n"), io("4 5\n", "9  \r\ndone\n\n\n"), io("1\n", "2\ndone"));
    assertEquals(Status.FAILED, v.status(), v.detail());
    assertEquals(2.0 / 3, v.reward(), 1e-12);
    assertTrue(v.detail().contains("test 2: output line 1 differs: expected '2', got '1'"), v.detail());
  }

  @Test
  void aProgramThatFailsOrExitsNonZeroFailsItsTestButNotTheOthers() {
    String code = "n = int(input())\nif n == 0:\n    raise ValueError('zero')\nif n == 1:\n    exit(3)\n"
        + "if n == 2:\n    exit()\nprint(10 // n)";
    Verdict v = verify(code, io("0\n", "x\n"), io("1\n", "10\n"), io("2\n", ""), io("5\n", "2\n"));
    assertEquals(Status.FAILED, v.status(), v.detail());
    assertEquals(0.5, v.reward(), 1e-12);
    assertTrue(v.detail().contains("test 0: the program exited with code 1") && v.detail().contains("ValueError"),
        v.detail());
  }

  @Test
  void programsSeeOnlyTheirOwnInputAndRunAsPython3Would() {
    // input() and sys.stdin, a thread with a bigger stack (as competitive solutions do), atexit, quit()
    String code = """
        import sys, threading, atexit
        threading.stack_size(1 << 26)
        sys.setrecursionlimit(100000)
        def main():
            a = input()
            rest = sys.stdin.read().split()
            def depth(k):
                return 0 if k == 0 else 1 + depth(k - 1)
            print(a, len(rest), depth(20000))
        atexit.register(lambda: print("bye"))
        t = threading.Thread(target=main)
        t.start()
        """;
    String big = "x\n" + "7 ".repeat(200_000) + "\n";
    Verdict v = verify(code, io(big, "x 200000 20000\nbye\n"), io("y\n", "y 0 20000\nbye\n"));
    assertEquals(Status.PASSED, v.status(), v.detail());
    // its own /proc entries and subprocesses work as usual
    Verdict own = verify("import os, subprocess, sys\nprint(sorted(os.listdir('/proc/self/fd'))[:3], "
        + "subprocess.run([sys.executable, '-c', 'print(6 * 7)'], capture_output=True, text=True).stdout.strip())",
        io("", "['0', '1', '2'] 42\n"));
    assertEquals(Status.PASSED, own.status(), own.detail());
  }

  @Test
  void valuesMakeTheRoundTripThroughTheSandbox() {
    String code = """
        import collections
        Point = collections.namedtuple("Point", "x y")
        class Sub(int):
            def __eq__(self, other):
                return True
        def values():
            return {
                "int": 2**100 + 1, "neg": -7, "float": 0.1 + 0.2, "nan": float("nan"), "inf": -float("inf"),
                "negzero": -0.0, "str": "h\\u00e9\\U0001F600\\ud800", "bytes": b"\\x00\\xff", "list": [1, [2, (3,)]],
                "set": {1, 2}, "frozen": frozenset({"a"}), "dict": {(1, 2): None}, "bool": True,
                "tuple": Point(1, 2), "bytearray": bytearray(b"ab"), "sub": Sub(5), "ordered": collections.OrderedDict(b=1),
                "counter": collections.Counter("aab"),
            }
        V = values()
        def opaque():
            return object()
        def huge():
            return "x" * (20 << 20)
        """;
    List<String> tests = new ArrayList<>(List.of(
        "assert V['int'] == 1267650600228229401496703205377", "assert V['neg'] == -7",
        "assert V['float'] == 0.30000000000000004", "assert V['float'] != 0.3", "assert V['nan'] != V_nan_literal"
            .replace("V_nan_literal", "float('nan')"), "assert V['inf'] == float('-inf')",
        "assert V['negzero'] == 0", "assert V['str'] == 'h\\u00e9\\U0001F600\\ud800'",
        "assert V['bytes'] == b'\\x00\\xff'", "assert V['list'] == [1, [2, (3,)]]", "assert V['list'] != [1, [2, [3]]]",
        "assert V['set'] == {2, 1}", "assert V['frozen'] == {'a'}", "assert V['dict'] == {(1, 2): None}",
        "assert V['bool'] is True", "assert V['tuple'] == (1, 2)", "assert V['bytearray'] == b'ab'",
        "assert V['sub'] == 5", "assert V['sub'] != 6", "assert V['ordered'] == {'b': 1}",
        "assert V['counter'] == {'a': 2, 'b': 1}",
        "assert opaque() != 1", "assert not (opaque() == opaque_literal)".replace("opaque_literal", "None")));
    Verdict v = verifier.verifyAsserts("```python\n" + code + "\n```", tests);
    assertEquals(Status.PASSED, v.status(), v.detail());
    Verdict tooBig = verifier.verifyAsserts("```python\n" + code + "\n```", List.of("assert huge() == 'x'"));
    assertEquals(Status.FAILED, tooBig.status(), tooBig.detail());
    assertTrue(tooBig.detail().contains("cannot be returned: too large"), tooBig.detail());
  }

  @Test
  void aRefusedTestShapeIsAnErrorWithZeroRewardAndNothingRuns() {
    Verdict v = verifier.verifyAsserts("```python\nimport os\nos.system('touch /tmp/ran')\ndef f(x):\n    return x\n```",
        List.of("assert f(1) == 1", "assert f(2) == sorted([2])"));
    assertEquals(Status.ERROR, v.status(), v.detail());
    assertEquals(0.0, v.reward());
    assertTrue(v.detail().startsWith("refused test 1: both sides of '==' depend on the solution"), v.detail());
  }

  @Test
  void mixedTestListsAndStatuses() {
    String code = "def f(x):\n    return x * 2\nif __name__ == '__main__':\n    import sys\n"
        + "    data = sys.stdin.read().split()\n    if data:\n        print(f(int(data[0])))";
    Verdict mixed = verifier.verify("```python\n" + code + "\n```", List.of(CodeTest.assertion("assert f(2) == 4"),
        io("21\n", "42\n"), CodeTest.assertion("assert f(3) == 7")));
    assertEquals(Status.FAILED, mixed.status(), mixed.detail());
    assertEquals(2.0 / 3, mixed.reward(), 1e-12);
    Verdict raised = verify("def f(x):\n    return x\nraise RuntimeError('boom')", CodeTest.assertion("assert f(1) == 1"));
    assertEquals(Status.ERROR, raised.status(), raised.detail());
    assertTrue(raised.detail().contains("the solution raised RuntimeError: boom"), raised.detail());
    Verdict callRaised = verify("def f(x):\n    return 1 // x", CodeTest.assertion("assert f(0) == 0"),
        CodeTest.assertion("assert f(1) == 1"));
    assertEquals(Status.FAILED, callRaised.status(), callRaised.detail());
    assertTrue(callRaised.detail().contains("f(0) raised ZeroDivisionError"), callRaised.detail());
    Verdict noTests = verifier.verify("```python\nx = 1\n```", List.of());
    assertEquals(Status.ERROR, noTests.status());
    assertFalse(noTests.detail().isEmpty());
  }
}
