package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verdict.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each attack must end quickly with the right status and leave the host unharmed. Runs under the strongest
 * isolation this machine allows (on a root box with bwrap: {@link Isolation#BUBBLEWRAP}); wall clock 2 s.
 */
@Timeout(60) // "must end quickly": the wall clocks here are 2-10 s; a hang fails instead of stalling the build
class SandboxAttackTest {
  private static CodeVerifier verifier;

  @BeforeAll
  static void sandbox() {
    SandboxLimits limits = SandboxLimits.defaults().withWallClock(Duration.ofSeconds(2));
    verifier = new CodeVerifier(Sandbox.create(limits, PythonInterpreter.resolve()));
  }

  private static String py(String code) {
    return "Solution:\n```python\n" + code + "\n```\n";
  }

  private static Verdict run(String code, String... tests) {
    return verifier.verifyAsserts(py(code), List.of(tests));
  }

  @Test
  void rewardIsTheFractionOfTestsPassed() {
    Verdict v = run("def add(a, b):\n    return a + b", "assert add(1, 2) == 3", "assert add(2, 2) == 5",
        "assert add(-1, 1) == 0");
    assertEquals(Status.FAILED, v.status(), v.detail());
    assertEquals(2.0 / 3, v.reward(), 1e-12);
    assertTrue(v.detail().contains("test 1"), v.detail());
    assertEquals(Status.PASSED, run("def add(a, b):\n    return a + b", "assert add(1, 2) == 3").status());
  }

  @Test
  void lastPythonBlockIsTheSolutionAndNoBlockIsNoCode() {
    String response = "```python\ndef f(): return 1\n```\nbetter:\n```python\ndef f(): return 2\n```";
    assertEquals(1.0, verifier.verifyAsserts(response, List.of("assert f() == 2")).reward());
    Verdict none = verifier.verifyAsserts("def f(): return 2", List.of("assert f() == 2"));
    assertEquals(Status.NO_CODE, none.status());
    assertEquals(0.0, none.reward());
  }

  @Test
  void infiniteLoopTimesOut() {
    Verdict v = run("def f():\n    while True:\n        pass", "assert f() is None");
    assertEquals(Status.TIMEOUT, v.status(), v.detail());
    assertEquals(0.0, v.reward());
  }

  @Test
  void testsPassedBeforeATimeoutStillCount() {
    Verdict v = run("def f(x):\n    while x > 1:\n        pass\n    return x", "assert f(1) == 1", "assert f(2) == 2");
    assertEquals(Status.TIMEOUT, v.status(), v.detail());
    assertEquals(0.5, v.reward());
  }

  @Test
  void memoryBombHitsTheAddressSpaceLimit() {
    Verdict huge = run("x = bytearray(10 ** 11)", "assert True");
    assertEquals(Status.ERROR, huge.status(), huge.detail());
    assertTrue(huge.detail().contains("MemoryError"), huge.detail());
    // page-faulting in 1 GiB takes seconds on a small VM, so the growing bomb gets a 256 MiB limit
    CodeVerifier small = new CodeVerifier(Sandbox.createWith(verifier.sandbox().isolation(),
        verifier.sandbox().limits().withAddressSpaceBytes(256L << 20), verifier.sandbox().python()));
    Verdict growing = small.verifyAsserts(py("chunks = []\nwhile True:\n    chunks.append(bytearray(10_000_000))"),
        List.of("assert True"));
    assertEquals(Status.ERROR, growing.status(), growing.detail());
    assertTrue(growing.detail().contains("MemoryError"), growing.detail());
  }

  @Test
  void forkBombIsCappedByTheProcessLimitAndLeavesNothingBehind() throws Exception {
    String bomb = """
        import os, time
        def bomb():
            n = 0
            while n < 10_000:
                try:
                    if os.fork() == 0:
                        time.sleep(60)
                        os._exit(0)
                    n += 1
                except OSError:
                    return n
            return n
        """;
    Verdict v = run(bomb, "assert bomb() < " + SandboxLimits.defaults().processes());
    assertEquals(Status.PASSED, v.status(), v.detail());
    assertNoSandboxProcessesLeft();
  }

  @Test
  void cannotWriteOutsideItsWorkingDirectory(@TempDir Path hostDir) throws IOException {
    String tag = UUID.randomUUID().toString();
    Path hostTmp = Path.of(System.getProperty("java.io.tmpdir"), "escape-" + tag);
    Path inHostDir = hostDir.resolve("escape-" + tag);
    Path inModule = Path.of("target", "escape-" + tag).toAbsolutePath();
    String code = """
        def write(p):
            try:
                with open(p, "w") as f:
                    f.write("x")
                return True
            except OSError:
                return False
        """;
    Verdict v = run(code + "def read(p):\n    return open(p).read()\n",
        "assert write('local.txt') and read('local.txt') == 'x'",
        // inside, /tmp is the run's own tmpfs: these may succeed there; the host's paths must stay untouched
        "assert write('" + hostTmp + "') or True; assert write('" + inHostDir + "') or True",
        "assert write('/var/tmp/escape-" + tag + "') or True",
        "assert not write('" + inModule + "')",
        "assert not write('/etc/escape-" + tag + "')");
    assertEquals(Status.PASSED, v.status(), v.detail());
    assertFalse(Files.exists(hostTmp));
    assertFalse(Files.exists(inHostDir));
    assertFalse(Files.exists(inModule));
    assertFalse(Files.exists(Path.of("/var/tmp/escape-" + tag)));
  }

  @Test
  void environmentIsScrubbed() {
    String javaPath = System.getenv("PATH");
    String javaHome = System.getenv().getOrDefault("HOME", "/root");
    String code = "import os\nenv = dict(os.environ)\nimport glob\n";
    Verdict v = run(code,
        "assert set(env) <= {'PATH', 'LANG', 'HOME'}, sorted(env)",
        "assert env.get('HOME') != " + pyString(javaHome),
        "assert env.get('PATH') != " + pyString(javaPath),
        "assert not os.path.exists('/proc/" + ProcessHandle.current().pid() + "/environ') or "
            + "not os.access('/proc/" + ProcessHandle.current().pid() + "/environ', os.R_OK)");
    assertEquals(Status.PASSED, v.status(), v.detail());
  }

  /** Python: {@code connect(port)} returns "connected" or "blocked" for 127.0.0.1:port. */
  static final String CONNECT = """
      import socket
      def connect(port):
          try:
              socket.create_connection(("127.0.0.1", port), timeout=1).close()
              return "connected"
          except OSError:
              return "blocked"
      """;

  @Test
  void cannotConnectToALocalPort() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Verdict v = run(CONNECT, "assert connect(" + server.getLocalPort() + ") == 'blocked'");
      assertEquals(Status.PASSED, v.status(), v.detail());
      assertNothingConnected(server);
    }
  }

  static void assertNothingConnected(ServerSocket server) throws IOException {
    server.setSoTimeout(100);
    try {
      server.accept().close();
      fail("the sandbox reached a port on the host's loopback");
    } catch (SocketTimeoutException expected) {
      // nothing connected
    }
  }

  @Test
  void outputFloodIsDrainedAndCapped() {
    // 110 MB through a pipe: a few hundred ms on an idle machine; 10 s leaves room for a loaded CI box
    CodeVerifier roomy = new CodeVerifier(Sandbox.createWith(verifier.sandbox().isolation(),
        verifier.sandbox().limits().withWallClock(Duration.ofSeconds(10)), verifier.sandbox().python()));
    Verdict v = roomy.verifyAsserts(py("import sys\nsys.stdout.write('x' * 100_000_000)\n"
        + "sys.stderr.write('y' * 10_000_000)\ndef f():\n    return 1"), List.of("assert f() == 1"));
    assertEquals(Status.PASSED, v.status(), v.detail());
    SandboxRun raw = verifier.sandbox().run("print('z' * 100_000)", List.of("1"), List.of());
    assertEquals(SandboxLimits.defaults().outputBytes(), raw.stdout().length());
  }

  @Test
  void earlyExitBeforeTheTestsIsAFailure() {
    for (String exit : List.of("import sys\nsys.exit(0)", "import os\nos._exit(0)", "raise SystemExit")) {
      Verdict v = run("def f():\n    return 1\n" + exit, "assert f() == 1");
      assertEquals(Status.ERROR, v.status(), exit + ": " + v.detail());
      assertEquals(0.0, v.reward(), exit);
    }
    Verdict midway = run("import os\ndef f(x):\n    if x == 2:\n        os._exit(0)\n    return x",
        "assert f(1) == 1", "assert f(2) == 2", "assert f(3) == 3");
    assertEquals(Status.ERROR, midway.status(), midway.detail());
    assertEquals(1.0 / 3, midway.reward(), 1e-12);
  }

  /** The old line protocol's forgeries: printed, and sprayed on every descriptor. */
  @Test
  void forgedResultLinesCountAsFailure() {
    String forge = """
        import os, sys
        for line in ("S ok", "T 0 ok", "T 1 ok", "END"):
            print(line)
            print(line, file=sys.stderr)
        sys.stdout.flush()
        os._exit(0)
        """;
    Verdict printed = run(forge, "assert False", "assert False");
    assertEquals(0.0, printed.reward(), printed.detail());
    assertEquals(Status.ERROR, printed.status());
    String spray = """
        import os
        for fd in range(3, 1024):
            try:
                os.write(fd, b"S ok\\nT 0 ok\\nEND\\n")
            except OSError:
                pass
        """;
    Verdict sprayed = run(spray, "assert False");
    assertEquals(0.0, sprayed.reward(), sprayed.detail());
    assertEquals(Status.ERROR, sprayed.status());
  }

  /** A CPU-time kill (SIGXCPU at the soft limit, SIGKILL at the hard one) is a timeout, not "killed". */
  @Test
  void cpuLimitIsATimeout() {
    // a generous wall clock: on a loaded CI box two CPU seconds can take several wall seconds
    SandboxLimits oneCpuSecond = SandboxLimits.defaults().withWallClock(Duration.ofSeconds(20)).withCpuSeconds(1);
    CodeVerifier strict = new CodeVerifier(Sandbox.createWith(verifier.sandbox().isolation(), oneCpuSecond,
        verifier.sandbox().python()));
    Verdict v = strict.verifyAsserts(py("while True:\n    pass"), List.of("assert True"));
    assertEquals(Status.TIMEOUT, v.status(), v.detail());
    assertTrue(v.detail().contains("CPU-time limit of 1 s"), v.detail());
    Verdict ignoring = strict.verifyAsserts(py("import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
        + "while True:\n    pass"), List.of("assert True"));
    assertEquals(Status.TIMEOUT, ignoring.status(), ignoring.detail());
    assertTrue(ignoring.detail().contains("CPU-time limit"), ignoring.detail());
  }

  private static String pyString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Dedicated sandbox uids start at 200000; none of their processes may outlive a run. */
  static void assertNoSandboxProcessesLeft() throws Exception {
    // the check finds sandbox processes by their uid; without a dedicated uid it would find none and pass vacuously
    assumeTrue(Sandbox.effectiveUid() == 0, "leftover processes are only detectable by their dedicated uid (root)");
    for (int attempt = 0; attempt < 50; attempt++) {
      long left = ProcessHandle.allProcesses().filter(SandboxAttackTest::runsAsSandboxUid).count();
      if (left == 0) {
        return;
      }
      Thread.sleep(20);
    }
    fail("sandbox processes survived the run");
  }

  private static boolean runsAsSandboxUid(ProcessHandle p) {
    try {
      boolean zombie = false;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
        if (line.startsWith("State:")) {
          // a zombie has exited and holds no memory or files, only a pid until its (new) parent reaps it; how
          // fast that happens is up to the host's init, not the sandbox
          zombie = line.contains("Z");
        }
        if (line.startsWith("Uid:")) {
          // this JVM's pools only: another build's sandboxes on the same host are not ours to count
          return !zombie && UidPool.ofThisJvm(Integer.parseInt(line.split("\\s+")[1]));
        }
      }
    } catch (IOException | RuntimeException gone) {
      return false;
    }
    return false;
  }

}
