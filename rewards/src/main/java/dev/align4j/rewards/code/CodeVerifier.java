package dev.align4j.rewards.code;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verdict.Status;
import dev.align4j.rewards.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The code reward of RLVR setups such as Tulu 3 / open-instruct's code verifier: the last fenced python block of the
 * response is the solution ({@link PythonBlocks}), each {@link CodeTest} is checked against it, and
 * <pre>
 *   reward = (number of tests that passed) / (number of tests)
 * </pre>
 * Expected values never enter the sandbox: an assertion is split by {@link AssertPlan} into the calls the sandbox
 * evaluates and the comparison done here, on the values it returns; a stdin/stdout test's output is compared here.
 * So rebinding builtins, rewriting the harness, forging its result stream or printing a fake report cannot turn a
 * wrong solution into a pass: whatever the code does inside, all it can change is the values of its own calls.
 *
 * <p>Status: {@code no_code} (no python block); {@code error} (a test of a shape that is not accepted, reward 0;
 * the solution raised or exited before the calls; a process ended before returning every value; the sandbox
 * failed); {@code timeout} (wall clock or CPU-time limit); {@code killed} (another signal, e.g. out of memory);
 * {@code passed} (every test passed); {@code failed}. The detail names the first failing test and ends with the
 * sandbox's isolation ({@link Sandbox#describe()}). Thread-safe; each call is one sandboxed run.
 */
public final class CodeVerifier implements Verifier<List<CodeTest>> {
  private static final String ACCEPTED = "accepted: 'assert CALL == LITERAL' (and != < <= > >= in, not in, is None),"
      + " 'assert CALL', 'assert not CALL', and/or of those, abs(CALL - LITERAL) < LITERAL,"
      + " math.isclose(CALL, LITERAL, ...), or a stdin/stdout pair";

  private final Sandbox sandbox;

  public CodeVerifier(Sandbox sandbox) {
    this.sandbox = sandbox;
  }

  /** A verifier on a sandbox with default limits, the resolved interpreter and the strongest isolation here. */
  public static CodeVerifier withDefaults() {
    return new CodeVerifier(Sandbox.create(SandboxLimits.defaults(), PythonInterpreter.resolve()));
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  /** {@link #verify} with assertion tests given as their source. */
  public Verdict verifyAsserts(String response, List<String> asserts) {
    return verify(response, CodeTest.assertions(asserts));
  }

  @Override
  public Verdict verify(String response, List<CodeTest> tests) {
    if (tests.isEmpty()) {
      return verdict(0.0, Status.ERROR, "no tests to run");
    }
    Optional<String> solution = PythonBlocks.last(response);
    if (solution.isEmpty()) {
      return verdict(0.0, Status.NO_CODE, "no fenced python block in the response");
    }
    List<String> calls = new ArrayList<>();
    List<String> stdins = new ArrayList<>();
    List<Planned> plans = new ArrayList<>();
    for (int i = 0; i < tests.size(); i++) {
      CodeTest t = tests.get(i);
      if (t instanceof CodeTest.Assertion a) {
        try {
          AssertPlan plan = AssertPlan.compile(a.source(), calls.size());
          calls.addAll(plan.calls());
          plans.add(new Planned(t, Optional.of(plan), -1));
        } catch (IllegalArgumentException e) {
          return verdict(0.0, Status.ERROR, "refused test " + i + ": " + e.getMessage() + "; " + ACCEPTED);
        }
      } else {
        plans.add(new Planned(t, Optional.empty(), stdins.size()));
        stdins.add(((CodeTest.StdinStdout) t).stdin());
      }
    }
    SandboxRun run = sandbox.run(solution.get(), calls, stdins);
    int passed = 0;
    String firstFailure = null;
    for (int i = 0; i < tests.size(); i++) {
      Optional<String> why = judge(plans.get(i), run);
      if (why.isEmpty()) {
        passed++;
      } else if (firstFailure == null) {
        firstFailure = "test " + i + ": " + why.get();
      }
    }
    double reward = (double) passed / tests.size();
    boolean missing = run.calls().stream().anyMatch(c -> c instanceof CallOutcome.Missing);
    Status status = switch (run.ending()) {
      case SANDBOX_FAILURE -> Status.ERROR;
      case TIMED_OUT -> Status.TIMEOUT;
      case KILLED -> Status.KILLED;
      case COMPLETED -> Launch.callsJob(calls, stdins) && (run.solutionFailure().isPresent() || missing) ? Status.ERROR
          : passed == tests.size() ? Status.PASSED : Status.FAILED;
    };
    StringBuilder detail = new StringBuilder(passed + "/" + tests.size() + " tests passed");
    if (!run.detail().isEmpty()) {
      detail.append("; ").append(run.detail());
    }
    if (Launch.callsJob(calls, stdins) && run.solutionFailure().isPresent()
        && !run.solutionFailure().get().equals(run.detail())) {
      detail.append("; ").append(run.solutionFailure().get());
    } else if (firstFailure != null) {
      detail.append("; ").append(firstFailure);
    }
    return verdict(reward, status, detail.toString());
  }

  /** A test and how it is judged: its assert plan, or the index of its program run. */
  private record Planned(CodeTest test, Optional<AssertPlan> plan, int program) {}

  private static Optional<String> judge(Planned planned, SandboxRun run) {
    if (planned.plan().isPresent()) {
      try {
        planned.plan().get().check(i -> run.calls().get(i));
        return Optional.empty();
      } catch (AssertPlan.Failure f) {
        return Optional.of(f.getMessage());
      }
    }
    CodeTest.StdinStdout test = (CodeTest.StdinStdout) planned.test();
    SandboxRun.Program program = run.programs().get(planned.program());
    return switch (program.termination()) {
      case NOT_RUN -> Optional.of("not run");
      case TIMED_OUT -> Optional.of("time limit reached");
      case SIGNALED -> Optional.of("killed by a signal");
      case EXITED -> program.exitCode() != 0
          ? Optional.of("the program exited with code " + program.exitCode() + tail(program.stderr()))
          : program.truncated() ? Optional.of("more than " + (Sandbox.PROGRAM_OUTPUT_BYTES >> 20) + " MiB of output")
          : test.matches(program.stdout()) ? Optional.empty()
          : Optional.of(difference(test.stdout(), program.stdout()));
    };
  }

  private static String difference(String expected, String actual) {
    List<String> e = CodeTest.StdinStdout.normalizedLines(expected);
    List<String> a = CodeTest.StdinStdout.normalizedLines(actual);
    for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
      String x = i < e.size() ? e.get(i) : "<no line>";
      String y = i < a.size() ? a.get(i) : "<no line>";
      if (!x.equals(y)) {
        return "output line " + (i + 1) + " differs: expected " + quote(x) + ", got " + quote(y);
      }
    }
    return "output differs";
  }

  private static String quote(String s) {
    String t = s.length() <= 80 ? s : s.substring(0, 80) + "...";
    return PyLiterals.quote(t.codePoints().toArray());
  }

  private static String tail(String stderr) {
    String t = HarnessReport.tail(stderr);
    return t.isEmpty() ? "" : ": " + (t.length() > 200 ? "..." + t.substring(t.length() - 200) : t);
  }

  private Verdict verdict(double reward, Status status, String detail) {
    return new Verdict(reward, status, detail + " [sandbox: " + sandbox.describe() + "]");
  }
}
