package dev.align4j.rewards.code;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one sandboxed run produced, as the trusted supervisor reported it: the values of the calls (assert-style
 * tests) and the output of each program run (stdin/stdout tests). It holds no verdict: the comparison with the
 * expected values happens outside the sandbox, in {@link CodeVerifier}.
 *
 * @param ending how the run ended as a whole
 * @param detail a short explanation when it did not complete (limit reached, signal, sandbox problem), else ""
 * @param solutionFailure why the solution's top level did not complete before the calls (raised, exited, killed)
 * @param calls one outcome per call expression, in order
 * @param programs one outcome per stdin input, in order
 * @param stdout the first {@link SandboxLimits#outputBytes()} bytes the solution printed during the calls
 * @param stderr the first {@link SandboxLimits#outputBytes()} bytes of its stderr during the calls
 * @param elapsedMillis wall-clock duration measured by the supervisor (or by Java when it had to kill it)
 */
public record SandboxRun(
    Ending ending,
    String detail,
    Optional<String> solutionFailure,
    List<CallOutcome> calls,
    List<Program> programs,
    String stdout,
    String stderr,
    long elapsedMillis) {

  /** How the run ended. */
  public enum Ending {
    /** Every job ran to its end (calls may still have raised, programs may have failed). */
    COMPLETED,
    /** A process died from a signal other than the CPU limit's (out of memory, SIGSEGV, ...). */
    KILLED,
    /** The wall clock expired, or a process reached its CPU-time limit; the rest was killed or not run. */
    TIMED_OUT,
    /** The sandbox itself failed (no report, or its setup failed); not the solution's fault. */
    SANDBOX_FAILURE
  }

  /** How one process of the run ended. */
  public enum Termination { EXITED, SIGNALED, TIMED_OUT, NOT_RUN }

  /**
   * One stdin/stdout program run.
   *
   * @param termination how it ended
   * @param exitCode its exit status when it exited, else -1
   * @param stdout what it printed (UTF-8, invalid bytes replaced), at most the program output cap
   * @param truncated whether it printed more than the cap
   * @param stderr the first {@link SandboxLimits#outputBytes()} bytes of its stderr
   */
  public record Program(Termination termination, int exitCode, String stdout, boolean truncated, String stderr) {
    public Program {
      Objects.requireNonNull(termination, "termination");
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
    }
  }

  public SandboxRun {
    Objects.requireNonNull(ending, "ending");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(solutionFailure, "solutionFailure");
    calls = List.copyOf(calls);
    programs = List.copyOf(programs);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** A run that produced nothing, with every call missing and every program not run. */
  static SandboxRun failure(Ending ending, String detail, int callCount, int programCount, long elapsedMillis) {
    List<CallOutcome> calls = java.util.Collections.nCopies(callCount, new CallOutcome.Missing(detail));
    List<Program> programs = java.util.Collections.nCopies(programCount,
        new Program(Termination.NOT_RUN, -1, "", false, ""));
    return new SandboxRun(ending, detail, Optional.of(detail), calls, programs, "", "", elapsedMillis);
  }
}
