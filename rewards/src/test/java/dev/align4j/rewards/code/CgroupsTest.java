package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run's cgroup, checked on the kernel's own files: the limits are written (v1 or v2 names), a process that writes
 * 0 to {@link Cgroups.Group#joinFiles()} (as the run's shell prefix does) and its children are in the group,
 * and {@link Cgroups.Group#destroy()} kills them and removes every directory.
 */
class CgroupsTest {

  /** A fake cgroup v2 directory: the controllers it offers, none enabled for children yet. */
  private static Path v2Dir(Path root, String rel, String controllers) throws java.io.IOException {
    Path d = root.resolve(rel);
    Files.createDirectories(d);
    Files.writeString(d.resolve("cgroup.controllers"), controllers + "\n");
    Files.writeString(d.resolve("cgroup.subtree_control"), "");
    return d;
  }

  /** Where each controller's groups go, from /proc/self/mountinfo and /proc/self/cgroup lines (fake trees). */
  @Test
  void controllersAreFoundInV1V2AndHybridLayouts(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path v1 = tmp.resolve("v1");
    String v1Mounts = "30 25 0:26 / " + v1.resolve("memory") + " rw,relatime shared:9 - cgroup cgroup rw,memory\n"
        + "31 25 0:27 / " + v1.resolve("pids") + " rw,relatime shared:10 - cgroup cgroup rw,pids\n"
        + "32 25 0:28 / " + v1.resolve("cpu,cpuacct") + " rw - cgroup cgroup rw,cpu,cpuacct\n";
    var v1Only = Cgroups.fromMounts(List.of(v1Mounts.split("\n")),
        List.of("4:memory:/jobs/a", "3:pids:/", "2:cpu,cpuacct:/user.slice", "0::/"));
    assertEquals(v1.resolve("memory/jobs/a"), v1Only.get("memory").parent());
    assertEquals(v1.resolve("pids"), v1Only.get("pids").parent());
    assertEquals(v1.resolve("cpu,cpuacct/user.slice"), v1Only.get("cpu").parent());
    assertFalse(v1Only.get("memory").v2());

    Path unified = tmp.resolve("unified");
    Path own = v2Dir(unified, "docker/abc", "cpuset cpu io memory pids");
    String v2Mount = "40 25 0:30 /docker " + unified + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
    var v2Only = Cgroups.fromMounts(List.of(v2Mount.strip()), List.of("0::/docker/docker/abc"));
    assertEquals(own, v2Only.get("memory").parent()); // mount root /docker is stripped from the group's path
    assertEquals(own, v2Only.get("cpu").parent());
    assertTrue(v2Only.get("pids").v2());
    assertTrue(Files.readString(own.resolve("cgroup.subtree_control")).contains("+"), "controllers enabled");

    Path hybridUnified = tmp.resolve("hybrid-unified");
    v2Dir(hybridUnified, "", "pids cpu hugetlb");
    String hybrid = "30 25 0:26 / " + v1.resolve("memory") + " rw - cgroup cgroup rw,memory\n"
        + "41 25 0:31 / " + hybridUnified + " rw - cgroup2 cgroup2 rw\n";
    var mixed = Cgroups.fromMounts(List.of(hybrid.split("\n")), List.of("4:memory:/", "0::/"));
    assertFalse(mixed.get("memory").v2());
    assertTrue(mixed.get("pids").v2() && mixed.get("cpu").v2());
    assertEquals(hybridUnified, mixed.get("cpu").parent());
  }

  @Test
  @Timeout(30)
  void limitsAreWrittenMembersAreTrackedAndDestroyRemovesEverything() throws Exception {
    Cgroups.Detection d = Sandbox.cgroups();
    assumeTrue(d.cgroups().isPresent(), "no usable cgroups here: " + d.reason());
    Cgroups.Group g = d.cgroups().get().create(256L << 20, 20);
    List<Path> dirs = g.joinFiles().stream().map(Path::getParent).toList();
    assertFalse(dirs.isEmpty());
    List<String> seen = new ArrayList<>();
    for (Path dir : dirs) {
      assertTrue(dir.getFileName().toString().startsWith(Cgroups.PREFIX + ProcessHandle.current().pid() + "-"));
      if (Files.exists(dir.resolve("memory.limit_in_bytes"))) {
        assertEquals("268435456", Files.readString(dir.resolve("memory.limit_in_bytes")).trim());
        seen.add("memory");
      }
      if (Files.exists(dir.resolve("memory.max"))) {
        assertEquals("268435456", Files.readString(dir.resolve("memory.max")).trim());
        seen.add("memory");
      }
      if (Files.exists(dir.resolve("pids.max"))) {
        assertEquals("20", Files.readString(dir.resolve("pids.max")).trim());
        seen.add("pids");
      }
      if (Files.exists(dir.resolve("cpu.cfs_quota_us"))) {
        assertEquals("100000", Files.readString(dir.resolve("cpu.cfs_quota_us")).trim());
        seen.add("cpu");
      }
      if (Files.exists(dir.resolve("cpu.max"))) {
        assertEquals("100000 100000", Files.readString(dir.resolve("cpu.max")).trim());
        seen.add("cpu");
      }
    }
    assertEquals(List.of("cpu", "memory", "pids"), seen.stream().distinct().sorted().toList());

    List<String> cmd = new ArrayList<>(List.of("sh", "-c",
        "for f in \"$@\"; do echo 0 > \"$f\"; done; sleep 60 & sleep 60", "sh"));
    g.joinFiles().forEach(f -> cmd.add(f.toString()));
    Process p = new ProcessBuilder(cmd).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (p.descendants().count() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    for (ProcessHandle h : List.of(p.toHandle(), p.descendants().findFirst().orElseThrow())) {
      String cgroup = Files.readString(Path.of("/proc", Long.toString(h.pid()), "cgroup"));
      assertTrue(cgroup.contains(dirs.get(0).getFileName().toString()), h.pid() + ": " + cgroup);
    }
    List<ProcessHandle> members = new ArrayList<>(p.descendants().toList());
    members.add(p.toHandle());
    g.destroy();
    assertTrue(g.destroyed());
    for (ProcessHandle h : members) {
      h.onExit().get(5, TimeUnit.SECONDS);
    }
    for (Path dir : dirs) {
      assertFalse(Files.exists(dir), dir + " is left");
    }
  }
}
