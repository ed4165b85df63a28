package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verdict.Status;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What isolates a run from the host and from other runs, per configuration ({@link SandboxModes}; the
 * unprivileged ones are simulated with setpriv on a root box): the host's files (the repository, data files with
 * expected answers, the host's /tmp) are invisible; capabilities are empty and no_new_privs is set in every mode,
 * in the assert job and in the stdin/stdout jobs; seccomp denies namespaces, mounts, ptrace, keyrings, bpf and perf;
 * SysV IPC objects neither outlive a run nor cross runs; the run's whole tree is bounded in memory and held to one
 * CPU by its cgroup; the private /tmp has size and inode limits; and nothing is left on the host afterwards.
 */
class SandboxIsolationTest {
  private static final SandboxLimits LIMITS = SandboxLimits.defaults().withWallClock(Duration.ofSeconds(5));

  private static Verdict run(SandboxModes mode, SandboxLimits limits, String code, String... tests) {
    return mode.verifier(limits).verifyAsserts("```python\n" + code + "\n```\n", List.of(tests));
  }

  private static void assertPassed(Verdict v) {
    assertEquals(Status.PASSED, v.status(), v.detail());
  }

  /** Python: exists(p), read(p) (None when it cannot), listing(p) (None when it cannot), write(p) (success). */
  private static final String FILES = """
      import os
      def exists(p):
          return os.path.exists(p)
      def read(p):
          try:
              return open(p).read()[:10]
          except OSError:
              return None
      def listing(p):
          try:
              return os.listdir(p)
          except OSError:
              return None
      def write(p):
          try:
              with open(p, "w") as f:
                  f.write("x")
              return True
          except OSError:
              return False
      """;

  @ParameterizedTest
  @EnumSource(value = SandboxModes.class, names = {"BUBBLEWRAP", "BUBBLEWRAP_UNPRIVILEGED", "NAMESPACES",
      "USER_NAMESPACE"})
  void theHostsFilesAreInvisible(SandboxModes mode) throws IOException {
    Path secret = Files.createTempFile("align4j-secret-", ".jsonl");
    Path escape = Path.of(System.getProperty("java.io.tmpdir"), "align4j-escape-" + UUID.randomUUID());
    try {
      Files.writeString(secret, "{\"gold\": \"42\"}\n");
      Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Path repo = Path.of("").toAbsolutePath();
      Path golden = Path.of("src/test/resources/dev/align4j/rewards/code/python_semantics_golden.jsonl")
          .toAbsolutePath();
      assertTrue(Files.exists(golden) && Files.isDirectory(repo));
      Set<String> allowedTop = new TreeSet<>(Set.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "tmp",
          "proc", "dev"));
      allowedTop.add(mode.sandbox(LIMITS).python().executable().toRealPath().getName(0).toString());
      String code = FILES + """
          def pids():
              return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
          TOP = os.listdir("/")
          """;
      Verdict v = run(mode, LIMITS, code,
          "assert not exists('" + repo + "')",
          "assert not exists('" + golden + "')",
          "assert read('" + secret + "') is None",
          "assert not exists('/etc/passwd') and not exists('/root') and not exists('/home') and not exists('/sys')",
          "assert set(TOP) <= " + allowedTop.stream().map(s -> "'" + s + "'")
              .collect(Collectors.joining(", ", "{", "}")),
          "assert os.listdir('/tmp') == []",
          "assert write('" + escape + "') or True",
          "assert len(pids()) <= 2",
          "assert " + ProcessHandle.current().pid() + " not in pids()");
      assertPassed(v);
      assertFalse(Files.exists(escape), "the run wrote to the host's /tmp");
    } finally {
      Files.deleteIfExists(secret);
      Files.deleteIfExists(escape);
    }
  }

  /**
   * The process's capability sets, no_new_privs and seccomp mode as /proc/self/status shows them; where /proc is
   * closed to the code (process-only mode under Landlock) the same values from capget and prctl.
   */
  /** Process-only mode has no private root; where the kernel has Landlock the host's files are still closed. */
  @Test
  void processOnlyClosesTheHostsFilesWithLandlock() throws IOException {
    Sandbox sandbox = SandboxModes.PROCESS_ONLY.sandbox(LIMITS);
    assumeTrue(sandbox.hasLandlock(), "no Landlock in this kernel");
    Path secret = Files.createTempFile("align4j-secret-", ".jsonl");
    Path escape = Path.of(System.getProperty("java.io.tmpdir"), "align4j-escape-" + UUID.randomUUID());
    try {
      Files.writeString(secret, "{\"gold\": \"42\"}\n");
      Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Path golden = Path.of("src/test/resources/dev/align4j/rewards/code/python_semantics_golden.jsonl")
          .toAbsolutePath();
      assertPassed(run(SandboxModes.PROCESS_ONLY, LIMITS, FILES,
          "assert read('" + secret + "') is None",
          "assert read('" + golden + "') is None",
          "assert listing('" + Path.of("").toAbsolutePath() + "') is None",
          "assert read('/etc/passwd') is None and listing('/proc') is None",
          "assert not write('" + escape + "')",
          "assert write('local.txt') and read('local.txt') == 'x'",
          "assert read('/usr/lib/os-release') is not None or listing('/usr') is not None"));
      assertFalse(Files.exists(escape));
    } finally {
      Files.deleteIfExists(secret);
      Files.deleteIfExists(escape);
    }
  }

  private static final String STATUS = """
      import ctypes
      def status():
          try:
              out = {}
              for line in open("/proc/self/status"):
                  key, _, value = line.partition(":")
                  out[key] = value.strip()
              return out
          except OSError:
              libc = ctypes.CDLL(None, use_errno=True)
              header = (ctypes.c_uint32 * 2)(0x20080522, 0)
              data = (ctypes.c_uint32 * 6)()
              libc.capget(header, data)
              sets = {"CapEff": data[0] | data[3] << 32, "CapPrm": data[1] | data[4] << 32,
                      "CapInh": data[2] | data[5] << 32}
              sets["CapBnd"] = sum(1 << c for c in range(64) if libc.prctl(23, c, 0, 0, 0) == 1)
              sets["CapAmb"] = sum(1 << c for c in range(64) if libc.prctl(47, 1, c, 0, 0) == 1)
              out = {k: "%016x" % v for k, v in sets.items()}
              out["NoNewPrivs"] = str(libc.prctl(39, 0, 0, 0, 0))
              out["Seccomp"] = str(libc.prctl(21, 0, 0, 0, 0))
              return out
      ST = status()
      """;

  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void noCapabilitiesAndNoNewPrivilegesInEveryMode(SandboxModes mode) {
    Sandbox sandbox = mode.sandbox(LIMITS);
    List<String> tests = new ArrayList<>(List.of("assert ST['CapEff'] == '0000000000000000'",
        "assert ST['CapPrm'] == '0000000000000000'", "assert ST['CapInh'] == '0000000000000000'",
        "assert ST['CapAmb'] == '0000000000000000'", "assert ST['NoNewPrivs'] == '1'"));
    if (sandbox.hasSeccomp()) {
      tests.add("assert ST['Seccomp'] == '2'");
    }
    boolean canDropBounding = !(mode == SandboxModes.PROCESS_ONLY && Sandbox.effectiveUid() != 0);
    if (canDropBounding) {
      tests.add("assert ST['CapBnd'] == '0000000000000000'");
    }
    assertPassed(run(mode, LIMITS, STATUS, tests.toArray(String[]::new)));
    // the stdin/stdout jobs are set up the same way
    Verdict program = new CodeVerifier(sandbox).verify("```python\n" + STATUS
            + "print(ST['CapEff'], ST['NoNewPrivs'], input())\n```",
        List.of(CodeTest.stdinStdout("ok\n", "0000000000000000 1 ok\n")));
    assertPassed(program);
  }

  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void seccompDeniesNamespacesMountsPtraceKeyringsBpfAndPerf(SandboxModes mode) {
    Sandbox sandbox = mode.sandbox(LIMITS);
    assumeTrue(sandbox.hasSeccomp(), "no seccomp filter on this host ABI");
    Map<String, Integer> nr = SeccompFilter.Arch.host().orElseThrow().numbers;
    String code = """
        import ctypes, os, subprocess, threading
        libc = ctypes.CDLL(None, use_errno=True)
        def err(rc):
            return ctypes.get_errno() if rc == -1 else 0
        def call(nr, *args):
            return err(libc.syscall(nr, *args))
        def unshare(flags):
            return err(libc.unshare(flags))
        def mount():
            return err(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))
        def umount(path):
            return err(libc.umount2(path.encode(), 2))
        def fork_works():
            pid = os.fork()
            if pid == 0:
                os._exit(7)
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        def thread_works():
            box = []
            t = threading.Thread(target=lambda: box.append(1))
            t.start()
            t.join()
            return box == [1]
        def nested_user_namespace():
            return subprocess.run(["unshare", "--map-root-user", "true"], capture_output=True).returncode
        """;
    assertPassed(run(mode, LIMITS, code,
        "assert unshare(0x10000000) == 1",           // CLONE_NEWUSER
        "assert unshare(0x00020000) == 1",           // CLONE_NEWNS
        "assert unshare(0x40000000) == 1",           // CLONE_NEWNET
        "assert mount() == 1",
        "assert umount('/tmp') == 1 and umount('/proc') == 1",
        "assert call(" + nr.get("ptrace") + ", 0, 0, 0, 0) == 1",                  // PTRACE_TRACEME
        "assert call(" + nr.get("keyctl") + ", 0, -3, 0) == 1",                     // KEYCTL_GET_KEYRING_ID
        "assert call(" + nr.get("add_key") + ", b'user', b'k', b'v', 1, -3) == 1",
        "assert call(" + nr.get("bpf") + ", 0, 0, 0) == 1",
        "assert call(" + nr.get("perf_event_open") + ", 0, 0, -1, -1, 0) == 1",
        "assert call(" + nr.get("setns") + ", 0, 0) == 1",
        "assert call(" + nr.get("clone3") + ", 0, 0) == 38",                        // ENOSYS: glibc falls back
        "assert fork_works() == 7",
        "assert thread_works()",
        "assert nested_user_namespace() != 0"));
  }

  private static Set<String> sysvKeys(String kind) throws IOException {
    Path table = Path.of("/proc/sysvipc", kind);
    if (!Files.exists(table)) {
      return Set.of();
    }
    return Files.readAllLines(table).stream().skip(1).map(l -> l.trim().split("\\s+")[0])
        .collect(Collectors.toSet());
  }

  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void sysvIpcNeitherOutlivesARunNorCrossesRuns(SandboxModes mode) throws IOException {
    mode.sandbox(LIMITS);
    int key = 0x3a000000 + new SecureRandom().nextInt(0x00ffffff);
    String code = """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        KEY = %d
        def make():
            return [libc.shmget(KEY, 1 << 20, 0o1600) >= 0, libc.msgget(KEY, 0o1600) >= 0,
                    libc.semget(KEY, 1, 0o1600) >= 0]
        def find():
            return [libc.shmget(KEY, 0, 0), libc.msgget(KEY, 0), libc.semget(KEY, 0, 0)]
        """.formatted(key);
    boolean namespaced = mode.isolation.privateRoot();
    // with an IPC namespace the objects are created, but in the run's own namespace; without one seccomp denies them
    assertPassed(run(mode, LIMITS, code, namespaced ? "assert make() == [True, True, True]"
        : "assert make() == [False, False, False]"));
    assertPassed(run(mode, LIMITS, code, "assert find() == [-1, -1, -1]"));
    for (String kind : List.of("shm", "msg", "sem")) {
      assertFalse(sysvKeys(kind).contains(Integer.toString(key)), kind + " " + key + " is on the host");
    }
  }

  /**
   * Four forked children that fill 600 MiB each, report their index when done and wait; returns how many of those
   * that finished are alive, once all four finished or as soon as one of them died (then they never all live).
   */
  private static final String HOG = """
      import os, select, time
      def hog():
          r, w = os.pipe()
          kids = []
          for i in range(4):
              pid = os.fork()
              if pid == 0:
                  try:
                      block = b"\\x01" * (600 << 20)
                      os.write(w, bytes([i]))
                      time.sleep(60)
                  finally:
                      os._exit(0)
              kids.append(pid)
          os.close(w)
          done, dead, deadline = set(), set(), time.time() + 12
          while len(done) < 4 and not dead and time.time() < deadline:
              if select.select([r], [], [], 0.1)[0]:
                  done |= set(os.read(r, 16))
              dead = {i for i, pid in enumerate(kids) if os.waitpid(pid, os.WNOHANG) != (0, 0)}
          return len(done - dead)
      """;

  /** Four forked children of 600 MiB each: the run's cgroup (1 GiB for the tree) never lets them all live. */
  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  @Timeout(60)
  void theMemoryOfTheWholeTreeIsBounded(SandboxModes mode) {
    Sandbox sandbox = mode.sandbox(LIMITS);
    assumeTrue(sandbox.hasCgroup(), "no cgroup here");
    Verdict v = run(mode, LIMITS.withWallClock(Duration.ofSeconds(15)), HOG, "assert hog() == 4");
    assertEquals(0.0, v.reward(), v.detail());
    assertTrue(v.status() == Status.FAILED || v.status() == Status.KILLED, v.status() + ": " + v.detail());
    if (v.status() == Status.KILLED) {
      assertTrue(v.detail().contains("out of memory"), v.detail());
    }
  }

  /**
   * The control: with 3 GiB for the tree, the same four children do all live (so the test above can fail). Heavy:
   * it fills 2.4 GB of memory at one CPU.
   */
  @Test
  @Tag("heavy")
  @Timeout(120)
  void theMemoryTestSeesAllFourWhenTheLimitAllowsThem() throws IOException {
    long availableKib = Files.readAllLines(Path.of("/proc/meminfo")).stream()
        .filter(l -> l.startsWith("MemAvailable:")).mapToLong(l -> Long.parseLong(l.split("\\s+")[1]))
        .findFirst().orElse(0);
    assumeTrue(availableKib > (4L << 20), "less than 4 GiB of memory available");
    SandboxLimits roomy = LIMITS.withWallClock(Duration.ofSeconds(15)).withMemoryBytes(3L << 30);
    Sandbox sandbox = Sandbox.create(roomy, PythonInterpreter.resolve());
    assumeTrue(sandbox.hasCgroup(), "no cgroup here");
    assertPassed(new CodeVerifier(sandbox).verifyAsserts("```python\n" + HOG + "\n```", List.of("assert hog() == 4")));
  }

  /** Four setsid'd busy loops for 1 s: with a quota of one CPU their CPU time stays near their wall time. */
  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  @Timeout(60)
  void aRunIsHeldToOneCpu(SandboxModes mode) {
    Sandbox sandbox = mode.sandbox(LIMITS);
    assumeTrue(sandbox.hasCgroup(), "no cgroup here");
    String code = """
        import os, time
        def ratio():
            start = time.time()
            kids = []
            for i in range(4):
                pid = os.fork()
                if pid == 0:
                    os.setsid()
                    end = time.time() + 1.0
                    while time.time() < end:
                        pass
                    os._exit(0)
                kids.append(pid)
            for pid in kids:
                os.waitpid(pid, 0)
            t = os.times()
            return (t.children_user + t.children_system) / (time.time() - start)
        """;
    assertPassed(run(mode, LIMITS.withWallClock(Duration.ofSeconds(15)), code, "assert ratio() < 1.25"));
  }

  @ParameterizedTest
  @EnumSource(value = SandboxModes.class, names = {"BUBBLEWRAP", "BUBBLEWRAP_UNPRIVILEGED", "NAMESPACES",
      "USER_NAMESPACE"})
  void thePrivateTmpHasSizeAndInodeLimits(SandboxModes mode) {
    SandboxLimits small = LIMITS.withTmpfs(1 << 20, 64); // 2 MiB, 64 inodes
    String code = """
        import os
        def fill_inodes():
            n = 0
            try:
                while n < 100000:
                    open("/tmp/f%d" % n, "w").close()
                    n += 1
            except OSError as e:
                return [n, e.errno]
            return [n, 0]
        def fill_bytes():
            try:
                for i in range(8):
                    with open("/tmp/big%d" % i, "wb") as f:
                        f.write(b"x" * (900 << 10))
            except OSError as e:
                return e.errno
            return 0
        SPACE = fill_bytes()
        INODES = fill_inodes()
        """;
    assertPassed(run(mode, small, code, "assert SPACE == 28", "assert INODES[1] == 28", "assert INODES[0] < 64"));
  }

  /**
   * After runs that leave a double-forked setsid daemon, a SysV shared-memory segment and a fork bomb behind: no
   * process of any run, no cgroup, no temporary directory and no segment under the run's key is left on the host.
   */
  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  @Timeout(60)
  void nothingIsLeftOnTheHost(SandboxModes mode) throws Exception {
    mode.sandbox(LIMITS);
    // earlier runs' cleanups run in the background: let them finish so that only this run's leftovers count
    assertTrue(Sandbox.awaitCleanups(20_000), "earlier cleanups did not finish");
    Set<String> tmpBefore = tempDirs();
    int key = 0x3b000000 + new SecureRandom().nextInt(0x00ffffff);
    String code = """
        import ctypes, os, time
        def daemon():
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(600)
                os._exit(0)
            return True
        def bomb():
            n = 0
            while n < 500:
                try:
                    if os.fork() == 0:
                        time.sleep(600)
                        os._exit(0)
                    n += 1
                except OSError:
                    break
            return n
        def ipc():
            libc = ctypes.CDLL(None)
            return libc.shmget(%d, 1 << 16, 0o1600) >= 0
        """.formatted(key);
    // with an IPC namespace the segment is created in the run's own namespace; without one seccomp denies it
    String ipcAssert = mode.isolation.privateRoot() ? "assert ipc()" : "assert not ipc()";
    Verdict v = run(mode, LIMITS, code, "assert daemon()", "assert bomb() > 0", ipcAssert);
    assertPassed(v);
    assertTrue(Sandbox.awaitCleanups(20_000), "cleanups did not finish");
    Cgroups.Detection cg = Sandbox.cgroups();
    if (cg.cgroups().isPresent()) {
      for (Path parent : cg.cgroups().get().parents()) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, Cgroups.PREFIX + ProcessHandle.current().pid()
            + "-*")) {
          assertFalse(ds.iterator().hasNext(), "a cgroup was left in " + parent);
        }
      }
      assertEquals(List.of(), processesInSandboxCgroups());
    }
    if (Sandbox.effectiveUid() == 0 && !mode.unprivileged) {
      SandboxAttackTest.assertNoSandboxProcessesLeft();
    }
    assertEquals(tmpBefore, tempDirs(), "temporary directories left in " + System.getProperty("java.io.tmpdir"));
    assertFalse(sysvKeys("shm").contains(Integer.toString(key)), "shm " + key + " is on the host");
  }

  /** Processes whose cgroup is a run's group, anywhere on the host. */
  private static List<String> processesInSandboxCgroups() {
    List<String> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        try {
          if (p.getFileName().toString().matches("\\d+")
              && Files.readString(p.resolve("cgroup")).contains(Cgroups.PREFIX + ProcessHandle.current().pid())) {
            out.add(p.getFileName().toString());
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static Set<String> tempDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      String mine = Sandbox.TEMP_PREFIX + ProcessHandle.current().pid() + "-";
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(mine))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * Batch mode: a run whose 56 forked, setsid'd children spin for its whole wall clock must not starve a neighbour
   * (0.5 s of CPU) into a timeout: each run's cgroup holds it to one CPU and one share. The same pair without
   * cgroups timed the neighbour out in both rounds on the 2-core development machine (with autogroups, every setsid
   * child is a scheduling group of its own). Heavy: it saturates the CPUs for a few seconds, and it needs a machine
   * that is not otherwise saturated.
   */
  @Test
  @Tag("heavy")
  @Timeout(120)
  void busyLoopsDoNotStarveANeighbour() throws Exception {
    Sandbox sandbox = Sandbox.create(LIMITS, PythonInterpreter.resolve());
    assumeTrue(sandbox.hasCgroup(), "no cgroup here");
    CodeVerifier spinner = new CodeVerifier(Sandbox.createWith(sandbox.isolation(),
        LIMITS.withWallClock(Duration.ofSeconds(6)), sandbox.python()));
    CodeVerifier neighbour = new CodeVerifier(Sandbox.createWith(sandbox.isolation(),
        LIMITS.withWallClock(Duration.ofSeconds(6)), sandbox.python()));
    String spin = """
        ```python
        import os, time
        for i in range(56):
            if os.fork() == 0:
                os.setsid()
                while True:
                    pass
        def f():
            time.sleep(10)
        ```
        """;
    String work = """
        ```python
        def f():
            return sum(i * i for i in range(12_000_000)) % 7
        ```
        """;
    for (int round = 0; round < 3; round++) {
      CompletableFuture<Verdict> a = CompletableFuture.supplyAsync(() -> spinner.verifyAsserts(spin,
          List.of("assert f() is None")));
      Thread.sleep(500);
      Verdict b = neighbour.verifyAsserts(work, List.of("assert f() == " + sumOfSquaresMod7(12_000_000)));
      assertEquals(Status.TIMEOUT, a.get().status(), a.get().detail());
      assertEquals(Status.PASSED, b.status(), "round " + round + ": " + b.detail());
    }
  }

  /** (0² + 1² + ... + (n-1)²) mod 7, from (n-1)·n·(2n-1)/6. */
  private static long sumOfSquaresMod7(long n) {
    return java.math.BigInteger.valueOf(n - 1).multiply(java.math.BigInteger.valueOf(n))
        .multiply(java.math.BigInteger.valueOf(2 * n - 1)).divide(java.math.BigInteger.valueOf(6))
        .mod(java.math.BigInteger.valueOf(7)).longValueExact();
  }
}
