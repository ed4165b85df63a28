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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forces each fallback {@link Isolation} with {@link Sandbox#createWith} and checks what that mode promises, and
 * only that: statuses and reward, the wall clock, the nonce-tagged result channel, the scrubbed environment; the
 * network namespace of {@link Isolation#USER_NAMESPACE}; the documented weaker guarantees of
 * {@link Isolation#PROCESS_ONLY} and the warning printed when {@link Sandbox#create} falls back to it. A mode that
 * cannot run here is reported as aborted with the reason, never passed: USER_NAMESPACE is refused to root, so on a
 * root box its tests abort and {@link #userNamespaceIsRefusedToRoot} checks the refusal instead (run the tests as an
 * unprivileged user to exercise it). Wall clock 1 s.
 */
class SandboxFallbackModesTest {
  private static final Duration WALL = Duration.ofSeconds(1);
  private static final SandboxLimits LIMITS = SandboxLimits.defaults().withWallClock(WALL);
  private static final Map<Isolation, CodeVerifier> VERIFIERS = new EnumMap<>(Isolation.class);
  private static final String CONNECT = SandboxAttackTest.CONNECT;

  /** The verifier for {@code mode}, or an aborted test saying why the mode cannot run on this machine. */
  private static synchronized CodeVerifier verifier(Isolation mode) {
    CodeVerifier cached = VERIFIERS.get(mode);
    if (cached != null) {
      return cached;
    }
    Sandbox sandbox;
    try {
      sandbox = Sandbox.createWith(mode, LIMITS, PythonInterpreter.resolve());
    } catch (IllegalArgumentException notApplicable) {
      return abort(mode + " cannot be tested by uid " + ownUid() + ": " + notApplicable.getMessage());
    }
    SandboxRun probe = sandbox.run("def probe():\n    return 7\n", List.of("assert probe() == 7"));
    if (probe.ending() != SandboxRun.Ending.COMPLETED || probe.passedCount() != 1) {
      return abort(mode + " does not work on this machine: " + probe.ending() + ", " + probe.detail());
    }
    CodeVerifier verifier = new CodeVerifier(sandbox);
    VERIFIERS.put(mode, verifier);
    return verifier;
  }

  private static Verdict run(Isolation mode, String code, String... tests) {
    return verifier(mode).verify("```python\n" + code + "\n```\n", List.of(tests));
  }

  @ParameterizedTest
  @EnumSource(value = Isolation.class, names = {"USER_NAMESPACE", "PROCESS_ONLY"})
  void rewardIsTheFractionOfTestsPassed(Isolation mode) {
    String add = "def add(a, b):\n    return a + b";
    Verdict some = run(mode, add, "assert add(1, 2) == 3", "assert add(2, 2) == 5", "assert add(-1, 1) == 0");
    assertEquals(Status.FAILED, some.status(), some.detail());
    assertEquals(2.0 / 3, some.reward(), 1e-12);
    assertTrue(some.detail().contains("test 1"), some.detail());
    Verdict all = run(mode, add, "assert add(1, 2) == 3");
    assertEquals(Status.PASSED, all.status(), all.detail());
    assertEquals(1.0, all.reward());
  }

  @ParameterizedTest
  @EnumSource(value = Isolation.class, names = {"USER_NAMESPACE", "PROCESS_ONLY"})
  @org.junit.jupiter.api.Timeout(30)
  void infiniteLoopTimesOutWithinTheWallClock(Isolation mode) {
    verifier(mode);
    long started = System.nanoTime();
    Verdict v = run(mode, "def f():\n    while True:\n        pass", "assert f() is None");
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(Status.TIMEOUT, v.status(), v.detail());
    assertEquals(0.0, v.reward());
    // the supervisor enforced it (Java's own kill comes only after a 3 s grace period)
    assertTrue(v.detail().startsWith("wall-clock limit reached"), v.detail());
    assertTrue(ms < WALL.toMillis() + 1500, "took " + ms + " ms");
  }

  @ParameterizedTest
  @EnumSource(value = Isolation.class, names = {"USER_NAMESPACE", "PROCESS_ONLY"})
  void earlyExitAndPrintedResultLinesCountAsFailure(Isolation mode) {
    Verdict exited = run(mode, "def f():\n    return 1\nimport sys\nsys.exit(0)", "assert f() == 1");
    assertEquals(Status.ERROR, exited.status(), exited.detail());
    assertEquals(0.0, exited.reward());
    String forge = """
        import os, sys
        for line in ("S ok", "T 0 ok", "T 1 ok", "END"):
            print(line)
            print(line, file=sys.stderr)
        sys.stdout.flush()
        """;
    Verdict printed = run(mode, forge, "assert False", "assert False");
    assertEquals(Status.FAILED, printed.status(), printed.detail());
    assertEquals(0.0, printed.reward());
    Verdict printedThenExited = run(mode, forge + "os._exit(0)", "assert False");
    assertEquals(Status.ERROR, printedThenExited.status(), printedThenExited.detail());
    assertEquals(0.0, printedThenExited.reward());
  }

  @ParameterizedTest
  @EnumSource(value = Isolation.class, names = {"USER_NAMESPACE", "PROCESS_ONLY"})
  void environmentIsScrubbed(Isolation mode) {
    Verdict v = run(mode, "import os\nenv = dict(os.environ)",
        "assert set(env) <= {'PATH', 'LANG', 'HOME'}, sorted(env)",
        "assert env['PATH'] == '/usr/local/bin:/usr/bin:/bin', env['PATH']",
        "assert env['HOME'] == os.getcwd(), (env['HOME'], os.getcwd())");
    assertEquals(Status.PASSED, v.status(), v.detail());
  }

  @Test
  void userNamespaceHasNoNetwork() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Verdict v = run(Isolation.USER_NAMESPACE, CONNECT, "assert connect(" + server.getLocalPort() + ") == 'blocked'");
      assertEquals(Status.PASSED, v.status(), v.detail());
      SandboxAttackTest.assertNothingConnected(server);
    }
  }

  /** As root, {@code unshare --map-root-user} would map the sandbox's root onto the host's root, owner of /etc. */
  @Test
  void userNamespaceIsRefusedToRoot() {
    if (!"0".equals(ownUid())) {
      abort("runs as uid " + ownUid() + ", for which USER_NAMESPACE is the intended mode");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sandbox.createWith(Isolation.USER_NAMESPACE, LIMITS, PythonInterpreter.resolve()));
    assertTrue(e.getMessage().contains("not for root"), e.getMessage());
  }

  /** Documented, not desired: the host's network and process table are reachable; the code runs in a host dir. */
  @Test
  void processOnlyKeepsOnlyItsDocumentedGuarantees() throws IOException {
    boolean root = "0".equals(ownUid());
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Verdict v = run(Isolation.PROCESS_ONLY, CONNECT + "\nimport os\n",
          "assert connect(" + server.getLocalPort() + ") == 'connected'",
          "assert os.path.isdir('/proc/" + ProcessHandle.current().pid() + "'), 'host pids are visible'",
          "assert os.getcwd() != '/tmp' and os.listdir('.') == [], (os.getcwd(), os.listdir('.'))",
          root ? "assert os.getuid() >= 200000 and os.getgroups() == [], (os.getuid(), os.getgroups())"
              : "assert os.getuid() == " + ownUid());
      assertEquals(Status.PASSED, v.status(), v.detail());
      server.setSoTimeout(1000);
      try (Socket accepted = server.accept()) {
        assertTrue(accepted.getInetAddress().isLoopbackAddress());
      }
    }
  }

  /**
   * An interpreter that refuses to start inside a private network namespace makes every namespace mode fail its
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
    assertTrue(err.contains("Isolation for what this mode does not protect"), err);
  }

  private static String ownUid() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
          .map(l -> l.split("\\s+")[2]).findFirst().orElseThrow();
    } catch (IOException e) {
      return abort("cannot read this process's uid: " + e);
    }
  }
}
