package dev.align4j.rewards.code;

import dev.align4j.rewards.code.SandboxRun.Ending;
import dev.align4j.rewards.code.SandboxRun.Program;
import dev.align4j.rewards.code.SandboxRun.Termination;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the supervisor's report into a {@link SandboxRun}. The report is the supervisor's whole stdout, which no
 * sandboxed process can write to (its children never hold that descriptor, the supervisor is not dumpable, and
 * seccomp denies ptrace): {@code ALIGN4J-SANDBOX-REPORT 2} on the first line, then fields
 * {@code <key> <byte length>\n<bytes>\n}, then {@code end 0\n\n}. Keys: {@code setup_error}, per job {@code j}
 * (the calls job first when there are calls, then one per stdin input) {@code jobJ.status} ({@code exit N},
 * {@code signal N}, {@code timeout}, {@code not_run}), {@code jobJ.cpu_ms}, {@code jobJ.stdout},
 * {@code jobJ.stdout_dropped}, {@code jobJ.stderr}, {@code jobJ.results} (see {@link ValueCodec}), and
 * {@code elapsed_ms}. Parsing is strict: it must start at byte 0 and walk by the lengths to {@code end}.
 */
final class HarnessReport {
  static final byte[] MAGIC = "ALIGN4J-SANDBOX-REPORT 2\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "end 0\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final int SIGKILL = 9;
  private static final int SIGXCPU = 24;

  private HarnessReport() {}

  /** Whether {@code out} (the first {@code length} bytes) holds a whole report, walking fields by their lengths. */
  static boolean complete(byte[] out, int length) {
    try {
      return fields(out, length).isPresent();
    } catch (IllegalArgumentException malformed) {
      return true; // stop reading; parse() reports it
    }
  }

  /** The report's fields, or empty while it is incomplete; throws when it is malformed. */
  private static Optional<Map<String, byte[]>> fields(byte[] out, int length) {
    int n = Math.min(length, MAGIC.length);
    for (int i = 0; i < n; i++) {
      if (out[i] != MAGIC[i]) {
        throw new IllegalArgumentException("the supervisor's output does not start with a report");
      }
    }
    if (length < MAGIC.length) {
      return Optional.empty();
    }
    Map<String, byte[]> f = new HashMap<>();
    int pos = MAGIC.length;
    while (true) {
      int nl = pos;
      while (nl < length && out[nl] != '\n') {
        if (nl - pos > 100) {
          throw new IllegalArgumentException("a report field header is too long");
        }
        nl++;
      }
      if (nl >= length) {
        return Optional.empty();
      }
      String[] head = new String(out, pos, nl - pos, StandardCharsets.US_ASCII).split(" ");
      if (head.length != 2 || !head[1].matches("[0-9]{1,10}")) {
        throw new IllegalArgumentException("malformed report field header");
      }
      long len = Long.parseLong(head[1]);
      long end = nl + 1 + len + 1;
      if (end > length) {
        return Optional.empty();
      }
      if (out[(int) end - 1] != '\n') {
        throw new IllegalArgumentException("a report field does not end with a newline");
      }
      if (head[0].equals("end")) {
        if (end != length) {
          throw new IllegalArgumentException("bytes after the end of the report");
        }
        return Optional.of(f);
      }
      byte[] value = new byte[(int) len];
      System.arraycopy(out, nl + 1, value, 0, (int) len);
      if (f.put(head[0], value) != null) {
        throw new IllegalArgumentException("a report field appears twice");
      }
      pos = (int) end;
    }
  }

  /**
   * The run described by the report.
   *
   * @param out the supervisor's stdout
   * @param callCount how many call expressions were sent
   * @param callsJob whether the "calls" job ran (it is job 0 then)
   * @param programCount how many stdin inputs were sent
   * @param limits the run's limits (to tell a CPU-limit kill from another SIGKILL)
   * @param oomKills how many processes the run's cgroup OOM-killed
   * @param stderr the wrapper's stderr (for a failure's detail)
   */
  static SandboxRun parse(byte[] out, int length, int callCount, boolean callsJob, int programCount,
                          SandboxLimits limits, long oomKills, String stderr) {
    Map<String, byte[]> r;
    try {
      Optional<Map<String, byte[]>> f = fields(out, length);
      if (f.isEmpty()) {
        return SandboxRun.failure(Ending.SANDBOX_FAILURE, "incomplete report from the sandbox supervisor"
            + hint(stderr), callCount, programCount, 0);
      }
      r = f.get();
    } catch (IllegalArgumentException e) {
      String head = new String(out, 0, Math.min(length, 300), StandardCharsets.UTF_8);
      return SandboxRun.failure(Ending.SANDBOX_FAILURE, "no report from the sandbox supervisor (" + e.getMessage()
          + "): " + tail(head) + hint(stderr), callCount, programCount, 0);
    }
    long elapsed = number(r, "elapsed_ms");
    if (r.containsKey("setup_error")) {
      return SandboxRun.failure(Ending.SANDBOX_FAILURE, text(r.get("setup_error")), callCount, programCount,
          elapsed);
    }
    int job = 0;
    Ending ending = Ending.COMPLETED;
    List<String> problems = new ArrayList<>();
    Optional<String> solutionFailure = Optional.empty();
    List<CallOutcome> calls = List.of();
    String stdout = "";
    String stderrOfCalls = "";
    if (callsJob) {
      JobEnd end = jobEnd(r, job, limits, oomKills);
      ValueCodec.CallsReport frames = ValueCodec.readFrames(bytes(r, "job0.results"), callCount, end.describe());
      if (frames.setupFailure().isPresent()) {
        return SandboxRun.failure(Ending.SANDBOX_FAILURE, frames.setupFailure().get(), callCount, programCount,
            elapsed);
      }
      solutionFailure = frames.solutionFailure();
      calls = frames.calls();
      frames.malformed().ifPresent(problems::add);
      stdout = text(bytes(r, "job0.stdout"));
      stderrOfCalls = text(bytes(r, "job0.stderr"));
      ending = worse(ending, end.ending());
      if (end.ending() != Ending.COMPLETED) {
        problems.add(end.describe());
      }
      job++;
    }
    List<Program> programs = new ArrayList<>();
    for (int i = 0; i < programCount; i++, job++) {
      JobEnd end = jobEnd(r, job, limits, oomKills);
      String prefix = "job" + job + ".";
      ValueCodec.CallsReport frames = ValueCodec.readFrames(bytes(r, prefix + "results"), 0, "");
      if (frames.setupFailure().isPresent()) {
        return SandboxRun.failure(Ending.SANDBOX_FAILURE, frames.setupFailure().get(), callCount, programCount,
            elapsed);
      }
      programs.add(new Program(end.termination(), end.exitCode(), text(bytes(r, prefix + "stdout")),
          number(r, prefix + "stdout_dropped") > 0, text(bytes(r, prefix + "stderr"))));
      ending = worse(ending, end.ending());
      if (end.ending() != Ending.COMPLETED && end.termination() != Termination.NOT_RUN) {
        problems.add("stdin/stdout test " + i + ": " + end.describe());
      }
    }
    return new SandboxRun(ending, String.join("; ", problems), solutionFailure, calls, programs, stdout,
        stderrOfCalls, elapsed);
  }

  /** How one job ended, classified. */
  private record JobEnd(Termination termination, int exitCode, Ending ending, String describe) {}

  private static JobEnd jobEnd(Map<String, byte[]> r, int job, SandboxLimits limits, long oomKills) {
    String status = text(bytes(r, "job" + job + ".status"));
    long cpuMs = number(r, "job" + job + ".cpu_ms");
    if (status.equals("timeout")) {
      return new JobEnd(Termination.TIMED_OUT, -1, Ending.TIMED_OUT, "wall-clock limit of "
          + limits.wallClock().toMillis() + " ms reached");
    }
    if (status.equals("not_run") || status.isEmpty()) {
      return new JobEnd(Termination.NOT_RUN, -1, Ending.TIMED_OUT, "not run (the wall clock had expired)");
    }
    String[] f = status.split(" ");
    int n = f.length == 2 && f[1].matches("[0-9]{1,3}") ? Integer.parseInt(f[1]) : -1;
    if (f[0].equals("exit") && n >= 0) {
      return new JobEnd(Termination.EXITED, n, Ending.COMPLETED, "exited with code " + n + " before the end");
    }
    if (f[0].equals("signal") && n >= 0) {
      if (n == SIGXCPU || (n == SIGKILL && cpuMs >= limits.cpuSeconds() * 1000L - 50)) {
        return new JobEnd(Termination.TIMED_OUT, -1, Ending.TIMED_OUT, "CPU-time limit of " + limits.cpuSeconds()
            + " s reached");
      }
      if (n == SIGKILL && oomKills > 0) {
        return new JobEnd(Termination.SIGNALED, -1, Ending.KILLED, "killed: out of memory (the run's limit is "
            + (limits.memoryBytes() >> 20) + " MiB)");
      }
      return new JobEnd(Termination.SIGNALED, -1, Ending.KILLED, "killed by signal " + n + signalHint(n));
    }
    return new JobEnd(Termination.NOT_RUN, -1, Ending.SANDBOX_FAILURE, "unreadable job status '" + status + "'");
  }

  private static Ending worse(Ending a, Ending b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  private static String signalHint(int signal) {
    return switch (signal) {
      case SIGKILL -> " (SIGKILL)";
      case 25 -> " (SIGXFSZ: file-size limit)";
      case 11 -> " (SIGSEGV)";
      case 6 -> " (SIGABRT)";
      default -> "";
    };
  }

  private static byte[] bytes(Map<String, byte[]> r, String key) {
    return r.getOrDefault(key, new byte[0]);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static long number(Map<String, byte[]> r, String key) {
    try {
      return Long.parseLong(text(bytes(r, key)).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String hint(String stderr) {
    return stderr.isBlank() ? "" : "; stderr: " + tail(stderr);
  }

  static String tail(String s) {
    String t = s.strip();
    return t.length() <= 400 ? t : "..." + t.substring(t.length() - 400);
  }
}
