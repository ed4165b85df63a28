package dev.align4j.rewards.code;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How one sandbox configuration starts a run: the command line (setsid, the shell prefix that joins the run's
 * cgroup, the isolation wrapper, the interpreter reading the compiled harness from stdin) and the payload that
 * follows on stdin (harness code, config, read-only layout, sys.path, seccomp program, solution, calls, stdin
 * inputs, each length-prefixed).
 *
 * @param isolation the mode
 * @param limits the run's limits
 * @param python the interpreter
 * @param launcherIsRoot whether the wrapper starts as root (a dedicated uid is used then)
 * @param launcherUid the uid the launcher drops to first (tests on a root machine), if any
 * @param seccomp the ABI whose seccomp program is installed, if any
 * @param layout the read-only runtime: {@code {"bind", path}} and {@code {"symlink", target, path}} entries
 */
record Launch(Isolation isolation, SandboxLimits limits, PythonInterpreter python, boolean launcherIsRoot,
              OptionalInt launcherUid, Optional<SeccompFilter.Arch> seccomp, List<String[]> layout) {
  /** Reads the compiled harness from stdin and runs it (see harness.py). */
  private static final String STUB =
      "import marshal,sys;exec(marshal.loads(sys.stdin.buffer.read(int(sys.stdin.buffer.readline()))))";
  /** Moves this (single-threaded) shell into each group: it writes 0, "myself", to each join file; then execs. */
  private static final String JOIN_CGROUP = "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo 0 > \"$1\" || exit 125;"
      + " shift; n=$((n - 1)); done; exec \"$@\"";
  private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom");
  private static final String HARNESS = loadHarness();
  private static final Map<Path, Harness> HARNESSES = new ConcurrentHashMap<>();

  /** Whether Landlock holds the run's processes (process-only mode, on a kernel that has it). */
  boolean landlock() {
    return isolation == Isolation.PROCESS_ONLY && harness(python).landlockAbi() > 0;
  }

  /** The command line of one run: setsid, the cgroup join, the (test-only) uid drop, the wrapper, python. */
  List<String> command(Optional<Cgroups.Group> group) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Executables.require("setsid").toString());
    group.ifPresent(g -> {
      cmd.addAll(List.of(Executables.require("sh").toString(), "-c", JOIN_CGROUP, "sh",
          Integer.toString(g.joinFiles().size())));
      g.joinFiles().forEach(f -> cmd.add(f.toString()));
    });
    launcherUid.ifPresent(u -> cmd.addAll(List.of(Executables.require("setpriv").toString(), "--reuid=" + u,
        "--regid=" + u, "--clear-groups", "--")));
    switch (isolation) {
      case BUBBLEWRAP -> cmd.addAll(bwrapArguments());
      case NAMESPACES -> cmd.addAll(List.of(Executables.require("unshare").toString(), "--ipc", "--uts", "--net",
          "--pid", "--mount", "--cgroup", "--fork", "--kill-child"));
      case USER_NAMESPACE -> cmd.addAll(List.of(Executables.require("unshare").toString(), "--map-root-user",
          "--ipc", "--uts", "--net", "--pid", "--mount", "--cgroup", "--fork", "--kill-child"));
      case PROCESS_ONLY -> { }
    }
    cmd.addAll(List.of(python.executable().toString(), "-I", "-S", "-c", STUB));
    return cmd;
  }

  private List<String> bwrapArguments() {
    List<String> a = new ArrayList<>(List.of(Executables.require("bwrap").toString(), "--unshare-ipc",
        "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
        "--as-pid-1"));
    if (launcherIsRoot) { // the supervisor keeps only what it needs to mount /tmp and switch to the dedicated uid
      a.addAll(List.of("--cap-drop", "ALL"));
      for (String cap : List.of("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL")) {
        a.addAll(List.of("--cap-add", cap));
      }
    } else {
      a.addAll(List.of("--unshare-user", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETPCAP"));
    }
    for (String[] entry : layout) {
      if (entry[0].equals("bind")) {
        a.addAll(List.of("--ro-bind", entry[1], entry[1]));
      } else {
        a.addAll(List.of("--symlink", entry[1], entry[2]));
      }
    }
    a.addAll(List.of("--proc", "/proc", "--dir", "/dev"));
    for (String d : DEVICES) {
      a.addAll(List.of("--dev-bind", "/dev/" + d, "/dev/" + d));
    }
    a.addAll(List.of("--dir", "/dev/shm", "--symlink", "/proc/self/fd", "/dev/fd", "--tmpfs", "/tmp",
        "--remount-ro", "/", "--chdir", "/tmp", "--"));
    return a;
  }

  /** The harness and its payload for one run (see harness.py for the fields). */
  byte[] payload(String solution, List<String> calls, List<String> stdins, int uid, String workdir)
      throws IOException {
    String fs = switch (isolation) {
      case BUBBLEWRAP -> "bwrap";
      case NAMESPACES, USER_NAMESPACE -> "pivot";
      case PROCESS_ONLY -> "none";
    };
    String cfg = String.join("\n",
        "fs=" + fs,
        "calls_job=" + (callsJob(calls, stdins) ? 1 : 0),
        "landlock_abi=" + (landlock() ? harness(python).landlockAbi() : 0),
        "uid=" + uid,
        "workdir=" + workdir,
        "tmpfs_bytes=" + limits.tmpfsBytes(),
        "tmpfs_inodes=" + limits.tmpfsInodes(),
        "wall_ms=" + limits.wallClock().toMillis(),
        "cpu_seconds=" + limits.cpuSeconds(),
        "address_space_bytes=" + limits.addressSpaceBytes(),
        "processes=" + limits.processes(),
        "file_size_bytes=" + limits.fileSizeBytes(),
        "open_files=" + limits.openFiles(),
        "output_bytes=" + limits.outputBytes(),
        "program_output_bytes=" + Sandbox.PROGRAM_OUTPUT_BYTES,
        "results_bytes=" + Sandbox.RESULTS_BYTES,
        "report_bytes=" + Sandbox.REPORT_BYTES,
        "sys_pivot_root=" + SeccompFilter.Arch.host().orElse(SeccompFilter.Arch.X86_64).numbers.get("pivot_root"))
        + "\n";
    StringBuilder lay = new StringBuilder();
    for (String[] entry : layout) {
      lay.append(String.join(" ", entry)).append('\n');
    }
    byte[] filter = seccomp.map(a -> SeccompFilter.program(a, isolation == Isolation.PROCESS_ONLY))
        .orElse(new byte[0]);
    Harness rt = harness(python);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    field(out, rt.harnessCode());
    field(out, cfg.getBytes(StandardCharsets.UTF_8));
    field(out, lay.toString().getBytes(StandardCharsets.UTF_8));
    field(out, String.join("\n", rt.sysPath()).getBytes(StandardCharsets.UTF_8));
    field(out, filter);
    field(out, solution.getBytes(StandardCharsets.UTF_8));
    field(out, fields(calls));
    field(out, fields(stdins));
    return out.toByteArray();
  }

  /** Whether the "calls" job runs: when there are calls, or no stdin inputs at all. */
  static boolean callsJob(List<String> calls, List<String> stdins) {
    return !calls.isEmpty() || stdins.isEmpty();
  }

  private static byte[] fields(List<String> items) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String s : items) {
      field(out, s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static void field(java.io.ByteArrayOutputStream out, byte[] b) throws IOException {
    out.write((b.length + "\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
  }

  /**
   * The read-only runtime the sandbox sees: {@code /usr}, the top-level directories the host links into it (or
   * binds, without merged /usr), and the interpreter's installation prefix when it lives elsewhere. The names
   * contain no spaces (checked), as the harness's layout lines are space-separated.
   */
  static List<String[]> runtimeLayout(PythonInterpreter python) {
    List<String[]> out = new ArrayList<>();
    List<Path> bound = new ArrayList<>();
    for (String top : List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
      Path p = Path.of(top);
      try {
        if (Files.isSymbolicLink(p)) {
          out.add(new String[] {"symlink", Files.readSymbolicLink(p).toString(), top});
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(new String[] {"bind", top});
          bound.add(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path exe = python.executable().toAbsolutePath().normalize();
    try {
      exe = exe.toRealPath();
    } catch (IOException e) {
      // keep the given path
    }
    boolean covered = bound.stream().anyMatch(exe::startsWith);
    if (!covered) {
      Path dir = exe.getParent();
      Path prefix = dir.getFileName() != null && dir.getFileName().toString().equals("bin") ? dir.getParent() : dir;
      if (prefix == null || prefix.getNameCount() == 0) {
        throw new IllegalStateException("the interpreter's prefix would expose the whole file system: " + exe);
      }
      out.add(new String[] {"bind", prefix.toString()});
    }
    for (String[] e : out) {
      for (String s : e) {
        if (s.contains(" ") || s.contains("\n")) {
          throw new IllegalStateException("a runtime path with a space is not supported: " + s);
        }
      }
    }
    return out;
  }

  /**
   * What the harness needs from the interpreter, asked once per JVM: the harness compiled by it ({@code marshal}
   * format is per Python version) and the {@code sys.path} a normal {@code python3 -I} has after {@code site}.
   */
  record Harness(byte[] harnessCode, List<String> sysPath, int landlockAbi) {}

  static Harness harness(PythonInterpreter python) {
    return HARNESSES.computeIfAbsent(python.executable(), exe -> {
      // landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) is syscall 444 on every ABI
      String script = "import sys,marshal,ctypes;src=sys.stdin.read();"
          + "code=marshal.dumps(compile(src,'<align4j-harness>','exec',dont_inherit=True));"
          + "abi=max(0,ctypes.CDLL(None).syscall(444,None,0,1));"
          + "sys.stdout.buffer.write(('%d\\n'%abi+'\\n'.join(p for p in sys.path if p)).encode()+b'\\n\\0'+code)";
      try {
        Process p = new ProcessBuilder(exe.toString(), "-I", "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        try (OutputStream in = p.getOutputStream()) {
          in.write(HARNESS.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException(exe + " could not compile the sandbox harness");
        }
        int nul = 0;
        while (nul < out.length && out[nul] != 0) {
          nul++;
        }
        if (nul == out.length) {
          throw new IllegalStateException(exe + " printed no sys.path");
        }
        List<String> lines = List.of(new String(out, 0, nul, StandardCharsets.UTF_8).strip().split("\n"));
        return new Harness(Arrays.copyOfRange(out, nul + 1, out.length), lines.subList(1, lines.size()),
            Integer.parseInt(lines.get(0)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while preparing the sandbox harness", e);
      }
    });
  }

  private static String loadHarness() {
    try (InputStream in = Sandbox.class.getResourceAsStream("harness.py")) {
      if (in == null) {
        throw new IllegalStateException("harness.py missing from the rewards jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
