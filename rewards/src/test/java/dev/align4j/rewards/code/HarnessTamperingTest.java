package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verdict.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The harness-tampering routes of issue 18, one test each: a wrong solution ({@code square} returns 0) plus the
 * attack must still score 0. Against the old harness (tests run in the solution's interpreter) each of these scored
 * 1.0; now the sandbox only evaluates the calls and the comparison with the expected values happens in Java, so all
 * an attack can change is the values of the solution's own calls. Runs under the strongest isolation here.
 */
class HarnessTamperingTest {
  private static final List<String> TESTS = List.of("assert square(2) == 4", "assert square(3) == 9",
      "assert square(-4) == 16");
  private static final String WRONG = "def square(x):\n    return 0\n";
  private static CodeVerifier verifier;

  @BeforeAll
  static void sandbox() {
    verifier = new CodeVerifier(Sandbox.create(SandboxLimits.defaults().withWallClock(Duration.ofSeconds(3)),
        PythonInterpreter.resolve()));
  }

  private static Verdict attack(String code) {
    return verifier.verifyAsserts("```python\n" + WRONG + code + "\n```\n", TESTS);
  }

  private static void assertNoReward(Verdict v) {
    assertEquals(0.0, v.reward(), v.detail());
    assertTrue(v.status() == Status.FAILED || v.status() == Status.ERROR, v.status() + ": " + v.detail());
  }

  @Test
  void theWrongSolutionAloneScoresZeroAndTheRightOneOne() {
    assertNoReward(attack(""));
    Verdict right = verifier.verifyAsserts("```python\ndef square(x):\n    return x * x\n```", TESTS);
    assertEquals(Status.PASSED, right.status(), right.detail());
  }

  @Test
  void rebindingBuiltinsExec() {
    assertNoReward(attack("import builtins\nbuiltins.exec = lambda *a, **k: None"));
  }

  @Test
  void rebindingBuiltinsEvalToAnAlwaysEqualObject() {
    assertNoReward(attack("""
        import builtins
        class AlwaysEqual:
            def __eq__(self, other):
                return True
            def __bool__(self):
                return True
        builtins.eval = lambda *a, **k: AlwaysEqual()
        """));
  }

  @Test
  void rebindingBuiltinsCompile() {
    assertNoReward(attack("""
        import builtins
        real = builtins.compile
        def fake(source, filename, mode, *a, **k):
            return real("True" if mode == "eval" else source, filename, mode, *a, **k)
        builtins.compile = fake
        """));
  }

  @Test
  void rebindingAssertionError() {
    assertNoReward(attack("""
        import builtins
        class Never(BaseException):
            pass
        builtins.AssertionError = Never
        """));
  }

  /** Walks up with sys._getframe to the harness and rewrites what it is about to evaluate. */
  @Test
  void rewritingTheHarnessThroughSysGetframe() {
    assertNoReward(attack("""
        import sys
        f = sys._getframe()
        while f is not None:
            for name, value in list(f.f_locals.items()):
                if isinstance(value, list) and value and all(isinstance(x, str) for x in value):
                    value[:] = ["True"] * len(value)   # the call expressions: make every value True
            f = f.f_back
        """));
  }

  @Test
  void rewritingTheHarnessThroughInspect() {
    assertNoReward(attack("""
        import inspect
        for info in inspect.stack():
            loc = info.frame.f_locals
            if "calls" in loc:
                loc["calls"][:] = ["type('E', (), {'__eq__': lambda s, o: True})()"] * len(loc["calls"])
            if "encode" in loc:
                pass
        """));
  }

  @Test
  void rewritingTheHarnessThroughATraceback() {
    assertNoReward(attack("""
        try:
            raise RuntimeError
        except RuntimeError as e:
            frame = e.__traceback__.tb_frame
        while frame is not None:
            if "calls" in frame.f_locals:
                frame.f_locals["calls"][:] = ["None"] * len(frame.f_locals["calls"])
            frame = frame.f_back
        """));
  }

  /** Scans the heap for the harness's lists and code objects and rewrites them. */
  @Test
  void rewritingTheHarnessThroughGcGetObjects() {
    assertNoReward(attack("""
        import gc
        for obj in gc.get_objects():
            if isinstance(obj, list) and obj and all(isinstance(x, str) and "square(" in x for x in obj):
                obj[:] = ["True"] * len(obj)
            if isinstance(obj, dict) and "encode" in obj and callable(obj.get("encode")):
                obj["encode"] = lambda v: b"T"
        """));
  }

  @Test
  void shadowingHarnessNamesInMain() {
    assertNoReward(attack("""
        def frame(tag, payload):
            pass
        def encode(value):
            return b"T"
        report = run_calls = eval = compile = None
        __name__ = "harness"
        """));
  }

  /** Wraps os.write so that every value frame the harness writes says True. */
  @Test
  void monkeypatchingOsWrite() {
    assertNoReward(attack("""
        import os
        real = os.write
        def forged(fd, data):
            if fd == 3 and data[:1] == b"V":
                data = b"V1:T"
            return real(fd, data)
        os.write = forged
        """));
  }

  @Test
  void hookingSysSettrace() {
    assertNoReward(attack("""
        import sys
        def tracer(frame, event, arg):
            if event == "return" and frame.f_code.co_name == "square":
                raise SystemExit(0)   # end the harness's loop early, as if everything had passed
            return tracer
        sys.settrace(tracer)
        """));
  }

  /** Finds descriptors through /proc/self/fd and writes forged frames and reports on every one of them. */
  @Test
  void forgingResultsThroughProcSelfFd() {
    assertNoReward(attack("""
        import os
        forged = b"S0:V1:TV1:TV1:T" + b"ALIGN4J-SANDBOX-REPORT 2\\nend 0\\n\\n"
        for name in os.listdir("/proc/self/fd"):
            try:
                os.write(int(name), forged)
            except OSError:
                pass
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                for fd in ("0", "1", "2", "3"):
                    try:
                        with open("/proc/%s/fd/%s" % (pid, fd), "wb") as f:
                            f.write(forged)
                    except OSError:
                        pass
        import sys
        sys.stdout.flush()
        os._exit(0)
        """));
  }

  /** Printing a report header neither breaks a right answer nor lets a wrong one choose its verdict. */
  @Test
  void printingTheReportHeader() {
    String header = "print('ALIGN4J-SANDBOX-REPORT 2')\nprint('job0.status 6')\nprint('exit 0')\nprint('end 0')\n";
    assertNoReward(attack(header));
    Verdict right = verifier.verifyAsserts("```python\n" + header + "def square(x):\n    return x * x\n"
        + header + "\n```", TESTS);
    assertEquals(Status.PASSED, right.status(), right.detail());
    assertEquals(1.0, right.reward());
  }

  /**
   * The supervisor's report descriptor is out of reach: no process of the run may open it or the supervisor's
   * memory, in any mode (the supervisor is not dumpable; seccomp denies ptrace and process_vm_*).
   */
  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void theReportChannelIsUnreachable(SandboxModes mode) {
    Verdict v = mode.verifier(SandboxLimits.defaults()).verifyAsserts("""
        ```python
        import os
        def processes():
            try:
                return os.listdir("/proc")
            except OSError:  # process-only mode under Landlock
                return []
        def reachable():
            found = []
            me = os.getpid()
            for pid in processes():
                if not pid.isdigit() or int(pid) == me:
                    continue
                for what in ("fd/1", "mem", "environ"):
                    try:
                        open("/proc/%s/%s" % (pid, what), "rb" if what != "fd/1" else "wb").close()
                        found.append(pid + "/" + what)
                    except OSError:
                        pass
            return found
        ```
        """, List.of("assert reachable() == []"));
    assertEquals(Status.PASSED, v.status(), v.detail());
  }

  /**
   * Expected values are not anywhere the solution can look: its heap, every frame, its own memory, stdin, and the
   * command lines, environments and memory of every process it can see. Searches for any 18-digit number starting
   * with 9182 and returns the first found; the expected value is such a number.
   */
  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void expectedValuesCannotBeFoundFromInside(SandboxModes mode) {
    String leak = """
        ```python
        import gc, os, re, sys
        PATTERN = re.compile(rb"(?<![0-9])9182[0-9]{14}(?![0-9])")
        def scan(blob):
            m = PATTERN.search(blob)
            return int(m.group(0)) if m else None
        def leak():
            for obj in gc.get_objects():
                for v in (obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (list, tuple)) else ()):
                    if isinstance(v, (str, bytes)) and scan(v.encode() if isinstance(v, str) else v):
                        return scan(v.encode() if isinstance(v, str) else v)
                    if isinstance(v, int) and scan(str(v).encode()) and v % 10**14:  # not its own bounds
                        return v
            for f in sys._current_frames().values():
                while f is not None:
                    for v in f.f_locals.values():
                        if isinstance(v, (str, bytes)):
                            hit = scan(v.encode() if isinstance(v, str) else v)
                            if hit:
                                return hit
                    f = f.f_back
            try:
                pids = [p for p in os.listdir("/proc") if p.isdigit()]
            except OSError:  # process-only mode under Landlock
                pids = [str(os.getpid())]
            for pid in pids:
                for what in ("cmdline", "environ"):
                    try:
                        hit = scan(open("/proc/%s/%s" % (pid, what), "rb").read())
                        if hit:
                            return hit
                    except OSError:
                        pass
                try:
                    maps = open("/proc/%s/maps" % pid).read().splitlines()
                    with open("/proc/%s/mem" % pid, "rb", 0) as mem:
                        for line in maps:
                            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                            if "r" not in line.split()[1] or hi - lo > 1 << 28:
                                continue
                            try:
                                mem.seek(lo)
                                hit = scan(mem.read(hi - lo))
                                if hit:
                                    return hit
                            except (OSError, OverflowError, ValueError):
                                pass
                except OSError:
                    pass
            try:
                return scan(os.read(0, 1 << 20))
            except OSError:
                return None
        ```
        """;
    Verdict v = mode.verifier(SandboxLimits.defaults()).verifyAsserts(leak,
        List.of("assert leak() == 918273645546372819", "assert leak() == 918273645546372820"));
    assertEquals(0.0, v.reward(), v.detail());
    assertEquals(Status.FAILED, v.status(), v.detail());
    assertTrue(v.detail().contains("returned None"), v.detail());
    // positive control: the same scan does find such a number when one is in the sandbox's memory
    String bait = leak.replace("def leak():", "BAIT = ''.join(['9182', '73645546372999'])\ndef leak():");
    Verdict found = mode.verifier(SandboxLimits.defaults()).verifyAsserts(bait,
        List.of("assert leak() == 918273645546372999"));
    assertEquals(Status.PASSED, found.status(), found.detail());
  }
}
