package dev.align4j.rewards.code;

/**
 * How a run is isolated from the host, strongest first; {@link Sandbox#create} probes them in this order and uses
 * the first that works here, saying which on stderr once (loudly when it is {@link #PROCESS_ONLY}). In every mode
 * the untrusted process gets, before the solution runs: rlimits (CPU, address space, file size, open files), an
 * empty capability set, {@code no_new_privs}, the {@link SeccompFilter} (where the host ABI has a table), a scrubbed
 * environment, and, when the launcher may create them, a per-run {@link Cgroups cgroup} (memory of the whole tree,
 * tasks, one CPU). docs/SANDBOX.md has the threat model and what each mode does not stop.
 *
 * <ul>
 *   <li>{@link #BUBBLEWRAP} ({@code bwrap} installed): new IPC, PID, network, UTS and cgroup namespaces, and a
 *       root file system holding only the read-only interpreter runtime ({@code /usr} and its symlinks), a fresh
 *       {@code /proc}, five device nodes and a size- and inode-limited {@code /tmp}; as root the code runs as a
 *       dedicated uid, otherwise bwrap adds a user namespace and the code runs as the launcher's uid with no
 *       capabilities.
 *   <li>{@link #NAMESPACES} (root, no bwrap): the same namespaces through {@code unshare}; the trusted supervisor
 *       builds the same root itself ({@code pivot_root}, the host tree detached) and the code runs as a dedicated
 *       uid.
 *   <li>{@link #USER_NAMESPACE} (not root, no bwrap, the kernel allows user namespaces): the same through
 *       {@code unshare --map-root-user}; the code runs as uid 0 of that namespace, mapped to the launcher's uid, with
 *       every capability dropped, so it can neither mount nor unmount.
 *   <li>{@link #PROCESS_ONLY} (fallback): no namespaces; a fresh host directory as working directory, the limits
 *       above, SysV IPC creation denied by seccomp, and where the kernel has Landlock, files limited to the runtime
 *       and that directory, no TCP, no signals outside the run. The host's process table, non-TCP network and, without
 *       Landlock, its file system (with the code's uid's rights) stay reachable. Use it only for trusted code.
 * </ul>
 */
public enum Isolation {
  BUBBLEWRAP,
  NAMESPACES,
  USER_NAMESPACE,
  PROCESS_ONLY;

  /** Whether the run gets its own namespaces and root file system. */
  boolean privateRoot() {
    return this != PROCESS_ONLY;
  }

  /** Whether this mode is worth trying for a launcher with the given effective uid. */
  boolean applicable(int effectiveUid) {
    return switch (this) {
      case BUBBLEWRAP -> Executables.find("bwrap").isPresent();
      case NAMESPACES -> effectiveUid == 0;
      case USER_NAMESPACE -> effectiveUid != 0;
      case PROCESS_ONLY -> true;
    };
  }

  /** Why {@link #applicable} refuses this mode. */
  String requirement() {
    return switch (this) {
      case BUBBLEWRAP -> "needs bwrap (Debian package bubblewrap) on PATH";
      case NAMESPACES -> "needs root";
      case USER_NAMESPACE -> "is not for root (it would map the sandbox's root onto the host's root)";
      case PROCESS_ONLY -> "";
    };
  }

  /** Lower-case name for details and the startup line. */
  String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
