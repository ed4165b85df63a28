package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assumptions.abort;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ways a sandbox can be set up on the machine running the tests, for parameterized tests. An unprivileged
 * launcher is simulated on a root machine by dropping to uid 65534 with {@code setpriv} before the isolation wrapper
 * ({@link Sandbox#createAsUser}), so that the user-namespace paths are exercised here too. A configuration that
 * cannot run on this machine aborts the test with the reason (reported as skipped, never as passed).
 */
enum SandboxModes {
  BUBBLEWRAP(Isolation.BUBBLEWRAP, false),
  BUBBLEWRAP_UNPRIVILEGED(Isolation.BUBBLEWRAP, true),
  NAMESPACES(Isolation.NAMESPACES, false),
  USER_NAMESPACE(Isolation.USER_NAMESPACE, true),
  PROCESS_ONLY(Isolation.PROCESS_ONLY, false);

  static final int UNPRIVILEGED_UID = 65534;
  private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();

  final Isolation isolation;
  final boolean unprivileged;

  SandboxModes(Isolation isolation, boolean unprivileged) {
    this.isolation = isolation;
    this.unprivileged = unprivileged;
  }

  /** The configurations with their own namespaces and root file system. */
  static List<SandboxModes> privateRoot() {
    return List.of(BUBBLEWRAP, BUBBLEWRAP_UNPRIVILEGED, NAMESPACES, USER_NAMESPACE);
  }

  /** A working sandbox in this configuration with these limits, or an aborted test saying why not. */
  Sandbox sandbox(SandboxLimits limits) {
    Object cached = CACHE.computeIfAbsent(name() + limits, k -> create(limits));
    if (cached instanceof String reason) {
      return abort(reason);
    }
    return (Sandbox) cached;
  }

  CodeVerifier verifier(SandboxLimits limits) {
    return new CodeVerifier(sandbox(limits));
  }

  private Object create(SandboxLimits limits) {
    boolean root = Sandbox.effectiveUid() == 0;
    Sandbox s;
    try {
      if (unprivileged && root) {
        s = Sandbox.createAsUser(isolation, limits, PythonInterpreter.resolve(), UNPRIVILEGED_UID);
      } else if (unprivileged == root && isolation != Isolation.PROCESS_ONLY && isolation != Isolation.BUBBLEWRAP) {
        return this + " needs " + (unprivileged ? "a non-root" : "a root") + " launcher";
      } else {
        s = Sandbox.createWith(isolation, limits, PythonInterpreter.resolve());
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      return this + " cannot be set up here: " + e.getMessage();
    }
    SandboxRun probe = s.run("def probe():\n    return 7\n", List.of("probe()"), List.of());
    if (probe.ending() != SandboxRun.Ending.COMPLETED || !(probe.calls().get(0) instanceof CallOutcome.Returned)) {
      return this + " does not work on this machine: " + probe.ending() + ", " + probe.detail() + " "
          + probe.calls();
    }
    return s;
  }
}
