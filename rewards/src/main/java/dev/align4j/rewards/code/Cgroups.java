package dev.align4j.rewards.code;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One control group per sandboxed run, created under the JVM's own cgroup (with cgroup v2, when that group holds
 * processes and so cannot delegate, a root JVM uses the hierarchy's root group instead), limiting the whole process
 * tree of the run: memory (swap included), number of tasks, and CPU (a quota of one CPU and equal shares, so that a run's forked
 * busy loops cannot starve its neighbours). Works with cgroup v1 controllers ({@code /sys/fs/cgroup/memory}, ...),
 * with cgroup v2 ({@code cgroup.subtree_control} of the JVM's cgroup must be able to enable the controllers, or
 * {@code -Dalign4j.sandbox.cgroup=DIR} / {@code ALIGN4J_SANDBOX_CGROUP} names a delegated v2 directory), and with a
 * hybrid of both: each of memory, pids and cpu is taken from wherever the host mounts it. The run's processes join
 * the group before they start anything ({@link Group#joinFiles}); after the run every task left in it is killed
 * and the directories are removed. Groups left by a JVM that died are swept on {@link #detect}.
 */
final class Cgroups {
  static final String PREFIX = "align4j-sbx-";
  private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");

  /** Where the groups of one hierarchy are created. */
  record Hierarchy(Path parent, boolean v2, Set<String> controllers) {}

  private final List<Hierarchy> hierarchies;

  private Cgroups(List<Hierarchy> hierarchies) {
    this.hierarchies = List.copyOf(hierarchies);
  }

  /** The outcome of {@link #detect}: usable cgroups, or why not. */
  record Detection(Optional<Cgroups> cgroups, String reason) {}

  /** Finds memory, pids and cpu controllers this process may create child groups in; sweeps stale groups. */
  static Detection detect() {
    try {
      String override = System.getProperty("align4j.sandbox.cgroup", System.getenv("ALIGN4J_SANDBOX_CGROUP"));
      Map<String, Hierarchy> byController = new LinkedHashMap<>();
      if (override != null && !override.isBlank()) {
        Path dir = Path.of(override);
        Set<String> available = words(dir.resolve("cgroup.controllers"));
        enableV2(dir, available);
        for (String c : CONTROLLERS) {
          if (available.contains(c)) {
            byController.put(c, new Hierarchy(dir, true, Set.of()));
          }
        }
      } else {
        byController.putAll(fromMounts(Files.readAllLines(Path.of("/proc/self/mountinfo")),
            Files.readAllLines(Path.of("/proc/self/cgroup"))));
      }
      List<String> missing = CONTROLLERS.stream().filter(c -> !byController.containsKey(c)).toList();
      if (!missing.isEmpty()) {
        return new Detection(Optional.empty(), "no usable cgroup controller for " + String.join(", ", missing));
      }
      Map<Path, Hierarchy> merged = new LinkedHashMap<>();
      for (Map.Entry<String, Hierarchy> e : byController.entrySet()) {
        Hierarchy h = e.getValue();
        Hierarchy m = merged.get(h.parent());
        Set<String> cs = new LinkedHashSet<>(m == null ? Set.of() : m.controllers());
        cs.add(e.getKey());
        merged.put(h.parent(), new Hierarchy(h.parent(), h.v2(), cs));
      }
      Cgroups cg = new Cgroups(new ArrayList<>(merged.values()));
      cg.sweepStale();
      cg.create(1L << 30, 8).destroy(); // proves we may create, limit and remove groups here
      return new Detection(Optional.of(cg), "");
    } catch (IOException | RuntimeException e) {
      return new Detection(Optional.empty(), e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** Controllers → the JVM's own group in the hierarchy that has it (v1 preferred where both list it). */
  static Map<String, Hierarchy> fromMounts(List<String> mountinfo, List<String> ownGroups) throws IOException {
    Map<String, String> v1Paths = new LinkedHashMap<>();
    String v2Path = null;
    for (String line : ownGroups) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        v2Path = f[2];
      } else {
        for (String c : f[1].split(",")) {
          v1Paths.put(c, f[2]);
        }
      }
    }
    Map<String, Hierarchy> out = new LinkedHashMap<>();
    Hierarchy v2 = null;
    for (String line : mountinfo) {
      String[] parts = line.split(" - ", 2);
      if (parts.length < 2) {
        continue;
      }
      String[] pre = parts[0].split(" ");
      String[] post = parts[1].split(" ");
      String root = unescape(pre[3]);
      Path mount = Path.of(unescape(pre[4]));
      if (post[0].equals("cgroup")) {
        for (String option : post[post.length - 1].split(",")) {
          String own = v1Paths.get(option);
          if (CONTROLLERS.contains(option) && own != null && !out.containsKey(option)) {
            out.put(option, new Hierarchy(within(mount, root, own), false, Set.of()));
          }
        }
      } else if (post[0].equals("cgroup2") && v2Path != null && v2 == null) {
        Path dir = within(mount, root, v2Path);
        Set<String> available = words(dir.resolve("cgroup.controllers"));
        available.retainAll(CONTROLLERS);
        available.removeAll(out.keySet());
        if (!available.isEmpty()) {
          try {
            enableV2(dir, available);
          } catch (IOException busy) {
            // the JVM's own group holds processes and cannot delegate; root may use the hierarchy's root group,
            // which is exempt from that rule (a systemd host: the controllers are enabled there already)
            if (Sandbox.effectiveUid() != 0 || dir.equals(mount)) {
              throw busy;
            }
            dir = mount;
            enableV2(dir, available);
          }
          v2 = new Hierarchy(dir, true, Set.of());
          for (String c : available) {
            out.putIfAbsent(c, v2);
          }
        }
      }
    }
    return out;
  }

  private static Path within(Path mount, String mountRoot, String own) {
    String rel = own.startsWith(mountRoot) ? own.substring(mountRoot.length()) : own;
    rel = rel.replaceAll("^/+", "");
    return rel.isEmpty() ? mount : mount.resolve(rel);
  }

  /** A v2 parent must delegate the controllers to its children (impossible while it holds processes). */
  private static void enableV2(Path dir, Set<String> controllers) throws IOException {
    Set<String> enabled = words(dir.resolve("cgroup.subtree_control"));
    for (String c : controllers) {
      if (!enabled.contains(c)) {
        try {
          Files.writeString(dir.resolve("cgroup.subtree_control"), "+" + c);
        } catch (IOException e) {
          throw new IOException("cannot enable the " + c + " controller below " + dir + " (a cgroup v2 group that"
              + " holds processes cannot delegate; set -Dalign4j.sandbox.cgroup to a delegated group): " + e);
        }
      }
    }
  }

  private static Set<String> words(Path file) throws IOException {
    String text = Files.readString(file).trim();
    return text.isEmpty() ? new LinkedHashSet<>() : new LinkedHashSet<>(List.of(text.split("\\s+")));
  }

  private static String unescape(String mountinfoField) {
    Matcher m = Pattern.compile("\\\\([0-7]{3})").matcher(mountinfoField);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Character.toString((char) Integer.parseInt(m.group(1), 8)));
    }
    return m.appendTail(b).toString();
  }

  /** For the startup line and verdicts, e.g. {@code "cgroup v1 (memory, pids, cpu)"}. */
  String describe() {
    boolean anyV1 = hierarchies.stream().anyMatch(h -> !h.v2());
    boolean anyV2 = hierarchies.stream().anyMatch(Hierarchy::v2);
    String version = anyV1 && anyV2 ? "v1+v2" : anyV2 ? "v2" : "v1";
    return "cgroup " + version + " (" + String.join(", ", CONTROLLERS) + ")";
  }

  /** The directories groups are created in (tests check that nothing is left there). */
  List<Path> parents() {
    return hierarchies.stream().map(Hierarchy::parent).toList();
  }

  /**
   * A new group with these limits: memory and memory+swap {@code memoryBytes}, {@code tasks} tasks (threads
   * included), one CPU of quota and the default share.
   */
  Group create(long memoryBytes, int tasks) throws IOException {
    String name = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    List<Path> dirs = new ArrayList<>();
    Group g = new Group(dirs, hierarchies);
    try {
      for (Hierarchy h : hierarchies) {
        Path dir = h.parent().resolve(name);
        Files.createDirectory(dir);
        dirs.add(dir);
        for (String c : h.controllers()) {
          limit(dir, h.v2(), c, memoryBytes, tasks);
        }
      }
      return g;
    } catch (IOException | RuntimeException e) {
      g.destroy();
      throw e;
    }
  }

  private static void limit(Path dir, boolean v2, String controller, long memoryBytes, int tasks) throws IOException {
    switch (controller) {
      case "memory" -> {
        if (v2) {
          write(dir, "memory.max", Long.toString(memoryBytes));
          writeIfPresent(dir, "memory.swap.max", "0");
          writeIfPresent(dir, "memory.oom.group", "1");
        } else {
          write(dir, "memory.limit_in_bytes", Long.toString(memoryBytes));
          writeIfPresent(dir, "memory.memsw.limit_in_bytes", Long.toString(memoryBytes));
        }
      }
      case "pids" -> write(dir, "pids.max", Integer.toString(tasks));
      case "cpu" -> {
        if (v2) {
          write(dir, "cpu.max", "100000 100000");
        } else {
          write(dir, "cpu.cfs_period_us", "100000");
          write(dir, "cpu.cfs_quota_us", "100000");
        }
      }
      default -> throw new IllegalArgumentException(controller);
    }
  }

  private static void write(Path dir, String file, String value) throws IOException {
    try {
      Files.writeString(dir.resolve(file), value);
    } catch (IOException e) {
      throw new IOException("cannot write " + value + " to " + dir.resolve(file) + ": " + e, e);
    }
  }

  private static void writeIfPresent(Path dir, String file, String value) throws IOException {
    if (Files.exists(dir.resolve(file))) {
      write(dir, file, value);
    }
  }

  /** Removes groups whose JVM is gone (named {@code align4j-sbx-<pid>-<n>}), killing what is left in them. */
  private void sweepStale() {
    for (Hierarchy h : hierarchies) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(h.parent(), PREFIX + "*")) {
        for (Path dir : ds) {
          Matcher m = NAME.matcher(dir.getFileName().toString());
          if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
            new Group(new ArrayList<>(List.of(dir)), List.of(h)).destroy();
          }
        }
      } catch (IOException | RuntimeException e) {
        // best effort: a stale group only wastes a directory entry
      }
    }
  }

  /** One run's group (a directory per hierarchy). */
  static final class Group {
    private final List<Path> dirs;
    private final List<Hierarchy> hierarchies;

    private Group(List<Path> dirs, List<Hierarchy> hierarchies) {
      this.dirs = dirs;
      this.hierarchies = hierarchies;
    }

    /**
     * The files a single-threaded process writes {@code 0} to, to move itself into the group: v1's {@code tasks}
     * (moving the calling thread skips the global threadgroup lock, whose RCU grace period costs about 10 ms per
     * run), v2's {@code cgroup.procs}.
     */
    List<Path> joinFiles() {
      List<Path> out = new ArrayList<>();
      for (int i = 0; i < dirs.size(); i++) {
        out.add(dirs.get(i).resolve(hierarchies.get(i).v2() ? "cgroup.procs" : "tasks"));
      }
      return out;
    }

    /** How many processes the kernel's OOM killer killed in this group so far. */
    long oomKills() {
      for (int i = 0; i < dirs.size(); i++) {
        if (!hierarchies.get(i).controllers().contains("memory")) {
          continue;
        }
        Path file = dirs.get(i).resolve(hierarchies.get(i).v2() ? "memory.events" : "memory.oom_control");
        try {
          for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.startsWith("oom_kill ")) {
              return Long.parseLong(line.substring(9).trim());
            }
          }
        } catch (IOException | RuntimeException e) {
          return 0;
        }
      }
      return 0;
    }

    /** Kills every task still in the group and removes its directories; gives up after about two seconds. */
    void destroy() {
      for (int attempt = 0; attempt < 400 && !dirs.isEmpty(); attempt++) {
        for (Path dir : List.copyOf(dirs)) {
          if (Files.exists(dir.resolve("cgroup.kill"))) {
            try {
              Files.writeString(dir.resolve("cgroup.kill"), "1");
            } catch (IOException e) {
              // fall through to killing task by task
            }
          }
          List<Long> pids = tasks(dir);
          pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
          if (pids.isEmpty()) {
            try {
              Files.delete(dir);
              dirs.remove(dir);
            } catch (NoSuchFileException gone) {
              dirs.remove(dir);
            } catch (IOException busy) {
              // tasks still exiting; retry
            }
          }
        }
        if (!dirs.isEmpty()) {
          try {
            Thread.sleep(attempt < 20 ? 1 : 5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    private static List<Long> tasks(Path dir) {
      try {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
          if (!line.isBlank()) {
            out.add(Long.parseLong(line.trim()));
          }
        }
        return out;
      } catch (IOException | RuntimeException e) {
        return List.of();
      }
    }

    /** Whether every directory is gone. */
    boolean destroyed() {
      return dirs.isEmpty();
    }
  }
}
