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
 * its pid to {@link Cgroups.Group#procsFiles()} (as the run's shell prefix does) and its children are in the group,
 * and {@link Cgroups.Group#destroy()} kills them and removes every directory.
 */
class CgroupsTest {

  @Test
  @Timeout(30)
  void limitsAreWrittenMembersAreTrackedAndDestroyRemovesEverything() throws Exception {
    Cgroups.Detection d = Sandbox.cgroups();
    assumeTrue(d.cgroups().isPresent(), "no usable cgroups here: " + d.reason());
    Cgroups.Group g = d.cgroups().get().create(256L << 20, 20);
    List<Path> dirs = g.procsFiles().stream().map(Path::getParent).toList();
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
        "for f in \"$@\"; do echo $$ > \"$f\"; done; sleep 60 & sleep 60", "sh"));
    g.procsFiles().forEach(f -> cmd.add(f.toString()));
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
