package dev.align4j.rewards.code;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs an untrusted Python solution and reports the values it produces: the value of each call expression of the
 * assert-style tests, and the stdout of the solution run as a program on each stdin input. Expected values are never
 * sent in; {@link CodeVerifier} compares outside.
 *
 * <p>Layout of one run (here {@link Isolation#BUBBLEWRAP} as root):
 * <pre>
 *   java ── setsid sh -c 'join the run's cgroup; exec ...' bwrap [namespaces, read-only runtime, /proc, /dev]
 *             └─ python3 -I -c HARNESS: the supervisor (pid 1 of the run, trusted, never runs solution code)
 *                 ├─ job "calls": fork; drop to a dedicated uid, empty capabilities, no_new_privs, seccomp;
 *                 │               exec(solution); for each call: eval(call) → serialized value on fd 3
 *                 └─ job "io" (per stdin input): fork; same; exec(solution) with that stdin; stdout captured
 * </pre>
 * The payload (config, file-system layout, seccomp program, solution, calls, stdin inputs) goes in on stdin; the
 * supervisor's stdout carries only its report. At the wall clock the supervisor kills everything in the run; should
 * it hang, Java kills the process group after a grace period; after the run every task left in the cgroup is
 * killed, the cgroup removed, and (without namespaces) the working directory deleted.
 */
public final class Sandbox {
  private static final System.Logger LOG = System.getLogger(Sandbox.class.getName());
  private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();
  private static final long GRACE_MILLIS = 3000;
  /** Stdout kept per stdin/stdout program (more fails that test) and in all for one run. */
  static final int PROGRAM_OUTPUT_BYTES = 8 << 20;
  static final int REPORT_BYTES = 32 << 20;
  /** Serialized call values per run: decoded values take tens of bytes per encoded byte on the Java heap. */
  static final int RESULTS_BYTES = 4 << 20;
  /** Host working directories (only without a private root) are named {@code align4j-sandbox-<jvm pid>-...}. */
  static final String TEMP_PREFIX = "align4j-sandbox-";
  private static final Set<CompletableFuture<Void>> CLEANUPS = ConcurrentHashMap.newKeySet();
  private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sandbox-output-reader");
    t.setDaemon(true);
    return t;
  });
  private static volatile Cgroups.Detection cgroupDetection;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitCleanups(5000), "sandbox-cleanup"));
  }

  private final SandboxLimits limits;
  private final PythonInterpreter python;
  private final Isolation isolation;
  private final boolean launcherIsRoot;
  private final OptionalInt launcherUid;
  private final Optional<Cgroups> cgroups;
  private final Optional<SeccompFilter.Arch> seccomp;
  private final Launch launch;
  private final UidPool uids = new UidPool();

  private Sandbox(SandboxLimits limits, PythonInterpreter python, Isolation isolation, OptionalInt launcherUid,
                  Optional<Cgroups> cgroups, Optional<SeccompFilter.Arch> seccomp) {
    this.limits = limits;
    this.python = python;
    this.isolation = isolation;
    this.launcherUid = launcherUid;
    this.launcherIsRoot = effectiveUid() == 0 && launcherUid.isEmpty();
    this.cgroups = cgroups;
    this.seccomp = seccomp;
    this.launch = new Launch(isolation, limits, python, launcherIsRoot, launcherUid, seccomp,
        Launch.runtimeLayout(python));
  }

  /**
   * Probes the strongest {@link Isolation} that works here (a tiny self-test run), with a cgroup and the seccomp
   * filter where the host allows them, and says once on stderr what the sandbox runs with (a warning when something
   * is missing).
   */
  public static Sandbox create(SandboxLimits limits, PythonInterpreter python) {
    int euid = effectiveUid();
    List<String> refused = new ArrayList<>();
    Cgroups.Detection cg = cgroups();
    for (Isolation mode : Isolation.values()) {
      if (!mode.applicable(euid)) {
        refused.add(mode.wireName() + " " + mode.requirement());
        continue;
      }
      Optional<SeccompFilter.Arch> arch = SeccompFilter.Arch.host();
      Sandbox candidate = new Sandbox(limits, python, mode, OptionalInt.empty(), cg.cgroups(), arch);
      Optional<String> failure = candidate.probe();
      if (failure.isPresent() && arch.isPresent() && failure.get().contains("seccomp")) {
        candidate = new Sandbox(limits, python, mode, OptionalInt.empty(), cg.cgroups(), Optional.empty());
        failure = candidate.probe();
      }
      if (failure.isEmpty()) {
        candidate.announce(refused, cg);
        return candidate;
      }
      refused.add(mode.wireName() + ": " + failure.get());
    }
    throw new IllegalStateException("the code sandbox cannot run here: " + String.join("; ", refused));
  }

  /** Like {@link #create} with a forced mode and no probe (tests of each mode). */
  public static Sandbox createWith(Isolation mode, SandboxLimits limits, PythonInterpreter python) {
    if (!mode.applicable(effectiveUid())) {
      throw new IllegalArgumentException("isolation " + mode + " " + mode.requirement());
    }
    return new Sandbox(limits, python, mode, OptionalInt.empty(), cgroups().cgroups(), SeccompFilter.Arch.host());
  }

  /**
   * A sandbox whose launcher drops from root to {@code uid} first ({@code setpriv}), as an unprivileged user would
   * start it: how the tests exercise {@link Isolation#USER_NAMESPACE} and unprivileged bubblewrap on a root machine.
   */
  static Sandbox createAsUser(Isolation mode, SandboxLimits limits, PythonInterpreter python, int uid) {
    if (effectiveUid() != 0 || Executables.find("setpriv").isEmpty()) {
      throw new IllegalArgumentException("simulating an unprivileged launcher needs root and setpriv");
    }
    if (mode == Isolation.NAMESPACES || (mode == Isolation.BUBBLEWRAP && Executables.find("bwrap").isEmpty())) {
      throw new IllegalArgumentException("isolation " + mode + " cannot run for an unprivileged launcher");
    }
    return new Sandbox(limits, python, mode, OptionalInt.of(uid), cgroups().cgroups(), SeccompFilter.Arch.host());
  }

  /** The cgroup support of this host, detected once per JVM. */
  static Cgroups.Detection cgroups() {
    Cgroups.Detection d = cgroupDetection;
    if (d == null) {
      synchronized (Sandbox.class) {
        if (cgroupDetection == null) {
          cgroupDetection = Cgroups.detect();
        }
        d = cgroupDetection;
      }
    }
    return d;
  }

  public Isolation isolation() {
    return isolation;
  }

  public SandboxLimits limits() {
    return limits;
  }

  public PythonInterpreter python() {
    return python;
  }

  /** Whether runs get a cgroup (memory of the whole tree, tasks, CPU). */
  public boolean hasCgroup() {
    return cgroups.isPresent();
  }

  /** Whether the seccomp filter is installed in the sandboxed processes. */
  public boolean hasSeccomp() {
    return seccomp.isPresent();
  }

  /**
   * Whether the processes of a run are also held by Landlock (process-only mode on Linux 5.13+): files limited to
   * the runtime, the working directory and five devices; from ABI 4 no TCP bind/connect; from ABI 6 no signals
   * or abstract sockets to processes outside the run.
   */
  public boolean hasLandlock() {
    return launch.landlock();
  }

  /** E.g. {@code "bubblewrap, cgroup v1 (memory, pids, cpu), seccomp"}; every verdict's detail ends with it. */
  public String describe() {
    return isolation.wireName() + (launcherUid.isPresent() ? " (launcher uid " + launcherUid.getAsInt() + ")" : "")
        + ", " + cgroups.map(Cgroups::describe).orElse("no cgroup") + ", "
        + (seccomp.isPresent() ? "seccomp" : "no seccomp")
        + (launch.landlock() ? ", landlock ABI " + Launch.harness(python).landlockAbi() : "");
  }

  /**
   * Runs {@code solution} once and evaluates {@code calls} (Python expressions) after it, then runs the solution
   * as a program once per stdin input. The first part runs when there are calls or no stdin inputs at all (so that
   * assert-style tests without calls, such as {@code assert True}, still need a solution that loads). Never throws.
   */
  public SandboxRun run(String solution, List<String> calls, List<String> stdins) {
    long started = System.nanoTime();
    boolean dedicatedUid = launcherIsRoot && isolation != Isolation.USER_NAMESPACE;
    int uid = -1;
    Optional<Cgroups.Group> group = Optional.empty();
    Path hostDir = null;
    Process p = null;
    try {
      uid = dedicatedUid ? uids.acquire() : -1;
      group = cgroups.isPresent()
          ? Optional.of(cgroups.get().create(limits.memoryBytes(), limits.processes() + 4)) : Optional.empty();
      String workdir = "/tmp";
      if (!isolation.privateRoot()) {
        hostDir = Files.createTempDirectory(TEMP_PREFIX + ProcessHandle.current().pid() + "-",
            PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx--x--x")));
        Path work = Files.createDirectory(hostDir.resolve("work"));
        if (uid >= 0) {
          Files.setAttribute(work, "unix:uid", uid);
          Files.setAttribute(work, "unix:gid", uid);
        } else if (launcherUid.isPresent()) {
          Files.setAttribute(work, "unix:uid", launcherUid.getAsInt());
          Files.setAttribute(work, "unix:gid", launcherUid.getAsInt());
        }
        workdir = work.toString();
      }
      ProcessBuilder pb = new ProcessBuilder(launch.command(group));
      pb.environment().clear();
      pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
      pb.environment().put("LANG", "C.UTF-8");
      p = pb.start();
      return execute(p, launch.payload(solution, calls, stdins, uid, workdir), calls.size(), stdins.size(), group,
          started);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "sandbox run failed", e);
      if (p != null) {
        killTree(p);
      }
      return SandboxRun.failure(SandboxRun.Ending.SANDBOX_FAILURE, "sandbox failure: " + e, calls.size(),
          stdins.size(), 0);
    } finally {
      cleanupAfter(p, group, uid, hostDir);
    }
  }

  /** Starts the readers, sends the payload, waits for the report (never past the wall clock plus the grace). */
  private SandboxRun execute(Process p, byte[] payload, int callCount, int programCount,
                             Optional<Cgroups.Group> group, long started) {
    // program stdout is budgeted by the supervisor; per job come stderr, the calls' stdout and a few small fields
    long cap = REPORT_BYTES + RESULTS_BYTES + (programCount + 1L) * (2L * limits.outputBytes() + 512) + (1 << 16);
    Buffer out = new Buffer((int) Math.min(Integer.MAX_VALUE - 8, cap));
    Buffer err = new Buffer(64 << 10);
    Future<?> report = READERS.submit(() -> out.readFrom(p.getInputStream(), true));
    Future<?> errors = READERS.submit(() -> err.readFrom(p.getErrorStream(), false));
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(payload);
    } catch (IOException brokenPipe) {
      // the supervisor died before reading its input; its output says why
    }
    try {
      report.get(limits.wallClock().toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
      if (!HarnessReport.complete(out.data(), out.length())) { // EOF before a whole report: let stderr drain
        errors.get(GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
      long oomKills = group.map(Cgroups.Group::oomKills).orElse(0L);
      return HarnessReport.parse(out.data(), out.length(), callCount, callCount > 0 || programCount == 0, programCount,
          limits, oomKills, err.text());
    } catch (TimeoutException | InterruptedException | ExecutionException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      killTree(p);
      report.cancel(true);
      long ms = (System.nanoTime() - started) / 1_000_000;
      return SandboxRun.failure(SandboxRun.Ending.TIMED_OUT, "wall-clock limit: killed by Java after " + ms + " ms",
          callCount, programCount, ms);
    }
  }

  /** After the whole process tree exits: kill what is left in the cgroup, remove it, free the uid and the dir. */
  private void cleanupAfter(Process p, Optional<Cgroups.Group> group, int uid, Path hostDir) {
    Runnable cleanup = () -> {
      group.ifPresent(Cgroups.Group::destroy);
      if (uid >= 0) {
        uids.release(uid);
      }
      deleteQuietly(hostDir);
    };
    if (p == null) {
      cleanup.run();
      return;
    }
    CompletableFuture<Void> done = p.onExit().thenRun(cleanup);
    CLEANUPS.add(done);
    done.whenComplete((v, e) -> CLEANUPS.remove(done));
  }

  /**
   * Waits until the cleanups of finished runs are done (cgroups removed, uids freed, directories deleted); the
   * JVM's shutdown does the same for at most five seconds.
   *
   * @return whether everything was cleaned up in time
   */
  public static boolean awaitCleanups(long millis) {
    try {
      CompletableFuture.allOf(CLEANUPS.toArray(new CompletableFuture<?>[0])).get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Optional<String> probe() {
    SandboxRun r = run("def probe():\n    return 7\n", List.of("probe()"), List.of("x"));
    if (r.ending() == SandboxRun.Ending.COMPLETED && r.calls().size() == 1
        && r.calls().get(0) instanceof CallOutcome.Returned v && PyValue.pyEquals(v.value(), PyValue.Num.ofInt(7))
        && r.programs().get(0).termination() == SandboxRun.Termination.EXITED) {
      return Optional.empty();
    }
    return Optional.of(r.ending() + ": " + (r.detail().isEmpty() ? r.calls() : r.detail()));
  }

  private void announce(List<String> refused, Cgroups.Detection cg) {
    String line = "align4j code sandbox: " + describe() + "; /tmp " + (limits.tmpfsBytes() >> 10) + " KiB, "
        + limits.tmpfsInodes() + " inodes";
    if (!ANNOUNCED.add(line)) {
      return;
    }
    System.err.println(line);
    if (isolation == Isolation.PROCESS_ONLY) {
      System.err.println("WARNING: align4j code sandbox is running with isolation PROCESS_ONLY because stronger"
          + " modes failed here (" + String.join("; ", refused) + "): the code can reach the network, the host's"
          + " files and processes. Use it only for trusted code; see docs/SANDBOX.md.");
    }
    if (cgroups.isEmpty()) {
      System.err.println("WARNING: align4j code sandbox runs without a cgroup (" + cg.reason() + "): the memory of"
          + " a run's whole process tree and its CPU share are not limited.");
    }
    if (seccomp.isEmpty()) {
      System.err.println("WARNING: align4j code sandbox runs without its seccomp filter (host ABI "
          + System.getProperty("os.arch") + " has no table or the kernel refused it).");
    }
  }

  /** Kills the process group (setsid made the child its leader) and every descendant Java can see. */
  private static void killTree(Process p) {
    try {
      new ProcessBuilder(Executables.require("kill").toString(), "-KILL", "--", "-" + p.pid())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
          .waitFor(2, TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "kill of process group " + p.pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot delete sandbox directory " + dir, e);
    }
  }

  static int effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.split("\\s+")[2]);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot read the effective uid", e);
    }
    return -1;
  }

  /** A growable byte buffer read from a stream up to a cap (the rest is drained and dropped). */
  private static final class Buffer {
    private final int cap;
    private byte[] data = new byte[8192];
    private int length;

    Buffer(int cap) {
      this.cap = cap;
    }

    /** Reads to EOF, or (report) until a whole report is in. */
    Void readFrom(InputStream in, boolean report) throws IOException {
      byte[] chunk = new byte[65536];
      int n;
      while ((n = in.read(chunk)) >= 0) {
        if (append(chunk, n, report)) {
          break;
        }
      }
      return null;
    }

    /** Appends; whether (for a report) a whole report is in now. */
    private synchronized boolean append(byte[] chunk, int n, boolean report) {
      int keep = Math.min(n, cap - length);
      if (keep > 0) {
        if (length + keep > data.length) {
          data = Arrays.copyOf(data, Math.min(cap, Math.max(data.length * 2, length + keep)));
        }
        System.arraycopy(chunk, 0, data, length, keep);
        length += keep;
      }
      return report && HarnessReport.complete(data, length);
    }

    synchronized byte[] data() {
      return data;
    }

    synchronized int length() {
      return length;
    }

    synchronized String text() {
      return new String(data, 0, length, StandardCharsets.UTF_8);
    }
  }
}
