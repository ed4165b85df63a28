package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verdict.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every sandbox configuration ({@link SandboxModes}, the unprivileged ones simulated with setpriv on a root box)
 * keeps the basic promises: statuses and reward, the wall clock, early exits, the scrubbed environment, no network
 * with namespaces; {@link Isolation#PROCESS_ONLY} keeps exactly its documented weaker ones, and falling back to it
 * is announced once. Wall clock 1 s.
 */
class SandboxFallbackModesTest {
  private static final Duration WALL = Duration.ofSeconds(1);
  private static final SandboxLimits LIMITS = SandboxLimits.defaults().withWallClock(WALL);
  private static final String CONNECT = SandboxAttackTest.CONNECT;

  private static Verdict run(SandboxModes mode, String code, String... tests) {
    return mode.verifier(LIMITS).verifyAsserts("```python\n" + code + "\n```\n", List.of(tests));
  }

  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void rewardIsTheFractionOfTestsPassed(SandboxModes mode) {
    String add = "def add(a, b):\n    return a + b";
    Verdict some = run(mode, add, "assert add(1, 2) == 3", "assert add(2, 2) == 5", "assert add(-1, 1) == 0");
    assertEquals(Status.FAILED, some.status(), some.detail());
    assertEquals(2.0 / 3, some.reward(), 1e-12);
    assertTrue(some.detail().contains("test 1"), some.detail());
    assertTrue(some.detail().endsWith("[sandbox: " + mode.sandbox(LIMITS).describe() + "]"), some.detail());
    Verdict all = run(mode, add, "assert add(1, 2) == 3");
    assertEquals(Status.PASSED, all.status(), all.detail());
    assertEquals(1.0, all.reward());
  }

  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  @Timeout(30)
  void infiniteLoopTimesOutWithinTheWallClock(SandboxModes mode) {
    mode.sandbox(LIMITS);
    long started = System.nanoTime();
    Verdict v = run(mode, "def f():\n    while True:\n        pass", "assert f() is None");
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(Status.TIMEOUT, v.status(), v.detail());
    assertEquals(0.0, v.reward());
    // the supervisor enforced it (Java's own kill comes only after a 3 s grace period)
    assertTrue(v.detail().contains("wall-clock limit of 1000 ms reached"), v.detail());
    assertTrue(ms < WALL.toMillis() + 2500, "took " + ms + " ms");
  }

  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void earlyExitAndPrintedResultsCountAsFailure(SandboxModes mode) {
    Verdict exited = run(mode, "def f():\n    return 1\nimport sys\nsys.exit(0)", "assert f() == 1");
    assertEquals(Status.ERROR, exited.status(), exited.detail());
    assertEquals(0.0, exited.reward());
    String forge = """
        import os, sys
        for line in ("S0:", "V2:T", "ALIGN4J-SANDBOX-REPORT 2", "end 0"):
            print(line)
            print(line, file=sys.stderr)
        sys.stdout.flush()
        def f():
            return 0
        """;
    Verdict printed = run(mode, forge, "assert f() == 1", "assert f() == 2");
    assertEquals(Status.FAILED, printed.status(), printed.detail());
    assertEquals(0.0, printed.reward());
    Verdict printedThenExited = run(mode, forge + "os._exit(0)", "assert f() == 1");
    assertEquals(Status.ERROR, printedThenExited.status(), printedThenExited.detail());
    assertEquals(0.0, printedThenExited.reward());
  }

  @ParameterizedTest
  @EnumSource(SandboxModes.class)
  void environmentIsScrubbed(SandboxModes mode) {
    Verdict v = run(mode, "import os\nenv = dict(os.environ)\nhome_is_cwd = env['HOME'] == os.getcwd()",
        "assert sorted(env) == ['HOME', 'LANG', 'PATH']",
        "assert env['PATH'] == '/usr/local/bin:/usr/bin:/bin'",
        "assert home_is_cwd");
    assertEquals(Status.PASSED, v.status(), v.detail());
  }

  @ParameterizedTest
  @EnumSource(value = SandboxModes.class, names = {"BUBBLEWRAP", "BUBBLEWRAP_UNPRIVILEGED", "NAMESPACES",
      "USER_NAMESPACE"})
  void namespacesHaveNoNetwork(SandboxModes mode) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Verdict v = run(mode, CONNECT, "assert connect(" + server.getLocalPort() + ") == 'blocked'");
      assertEquals(Status.PASSED, v.status(), v.detail());
      SandboxAttackTest.assertNothingConnected(server);
    }
  }

  /** As root, {@code unshare --map-root-user} would map the sandbox's root onto the host's root, owner of /etc. */
  @Test
  void userNamespaceIsRefusedToARootLauncher() {
    if (Sandbox.effectiveUid() != 0) {
      abort("runs as uid " + Sandbox.effectiveUid() + ", for which USER_NAMESPACE is the intended mode");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sandbox.createWith(Isolation.USER_NAMESPACE, LIMITS, PythonInterpreter.resolve()));
    assertTrue(e.getMessage().contains("not for root"), e.getMessage());
  }

  /**
   * Documented, not desired: the host's process table is visible and the code runs in a host directory; the
   * network is reachable unless Landlock (ABI 4+) denies TCP connections.
   */
  @Test
  void processOnlyKeepsOnlyItsDocumentedGuarantees() throws IOException {
    boolean root = Sandbox.effectiveUid() == 0;
    boolean tcpDenied = SandboxModes.PROCESS_ONLY.sandbox(LIMITS).describe().matches(".*landlock ABI ([4-9]|\\d\\d).*");
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Verdict v = run(SandboxModes.PROCESS_ONLY, CONNECT + "\nimport os\ncwd = os.getcwd()\nhere = os.listdir('.')\n"
              + "uid = os.getuid()\ngroups = os.getgroups()\n",
          "assert connect(" + server.getLocalPort() + ") == " + (tcpDenied ? "'blocked'" : "'connected'"),
          "assert os.path.isdir('/proc/" + ProcessHandle.current().pid() + "')",
          "assert cwd != '/tmp' and here == []",
          root ? "assert uid >= 200000 and groups == []" : "assert uid == " + Sandbox.effectiveUid());
      assertEquals(Status.PASSED, v.status(), v.detail());
      if (tcpDenied) {
        SandboxAttackTest.assertNothingConnected(server);
      } else {
        server.setSoTimeout(1000);
        try (Socket accepted = server.accept()) {
          assertTrue(accepted.getInetAddress().isLoopbackAddress());
        }
      }
    }
  }

  /**
   * An interpreter that refuses to start outside the host's network namespace makes every namespace mode fail its
   * probe, so {@link Sandbox#create} falls back to PROCESS_ONLY: it must say so on stderr, once per JVM.
   */
  @Test
  void fallingBackToProcessOnlyWarnsOnce(@TempDir Path dir) throws IOException {
    PythonInterpreter real = PythonInterpreter.resolve();
    if (Sandbox.create(LIMITS, real).isolation() == Isolation.PROCESS_ONLY) {
      abort("PROCESS_ONLY is the strongest mode here, so its warning was already printed in this JVM");
    }
    String hostNetwork = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    Path python = dir.resolve("python3-host-network-only");
    Files.writeString(python, "#!/bin/sh\n[ \"$(readlink /proc/self/ns/net)\" = '" + hostNetwork + "' ] || exit 3\n"
        + "exec '" + real.executable() + "' \"$@\"\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    PythonInterpreter hostNetworkOnly = new PythonInterpreter(python);

    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Sandbox first;
    Sandbox second;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      first = Sandbox.create(LIMITS, hostNetworkOnly);
      second = Sandbox.create(LIMITS, hostNetworkOnly);
    } finally {
      System.setErr(stderr);
    }
    assertEquals(Isolation.PROCESS_ONLY, first.isolation());
    assertEquals(Isolation.PROCESS_ONLY, second.isolation());
    String err = captured.toString(StandardCharsets.UTF_8);
    String warning = "WARNING: align4j code sandbox is running with isolation PROCESS_ONLY";
    assertEquals(1, err.split(warning, -1).length - 1, err);
    assertTrue(err.contains("align4j code sandbox: process_only"), err);
    assertTrue(err.contains("docs/SANDBOX.md"), err);
  }
}
