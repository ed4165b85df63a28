package dev.align4j.rewards.code;

import java.time.Duration;
import java.util.Objects;

/**
 * Resource limits for one sandboxed run. The wall clock covers the whole run (the solution, every call and every
 * stdin/stdout program); the rlimits apply to each untrusted process before it runs any code; the memory and task
 * limits apply to the run's whole process tree through its cgroup (when the host lets the launcher create one).
 *
 * @param wallClock whole-run wall-clock limit, 100 ms .. 10 min; everything in the run is killed when it expires
 * @param cpuSeconds RLIMIT_CPU soft limit in seconds per process (hard = soft + 1), 1 .. 600; reaching it is a
 *     timeout
 * @param addressSpaceBytes RLIMIT_AS per process, at least 64 MiB (CPython alone maps ~20 MiB)
 * @param memoryBytes memory (and memory + swap) of the whole process tree, cgroup-enforced, at least 64 MiB
 * @param processes RLIMIT_NPROC for the dedicated sandbox uid, and (+4 for the supervisor and wrappers) the
 *     cgroup's task limit; threads count, 1 .. 4096
 * @param fileSizeBytes RLIMIT_FSIZE; the private {@code /tmp} tmpfs holds twice this, 0 .. 1 GiB
 * @param tmpfsInodes files and directories the private {@code /tmp} may hold, 16 .. 1,000,000
 * @param openFiles RLIMIT_NOFILE, 16 .. 4096
 * @param outputBytes bytes of stdout and of stderr kept for the detail (the rest is drained and dropped), 0 .. 1 MiB
 */
public record SandboxLimits(
    Duration wallClock,
    int cpuSeconds,
    long addressSpaceBytes,
    long memoryBytes,
    int processes,
    long fileSizeBytes,
    int tmpfsInodes,
    int openFiles,
    int outputBytes) {

  private static final long MIB = 1L << 20;

  public SandboxLimits {
    Objects.requireNonNull(wallClock, "wallClock");
    if (wallClock.toMillis() < 100 || wallClock.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("wallClock must be in [100 ms, 10 min], got " + wallClock);
    }
    check("cpuSeconds", cpuSeconds, 1, 600);
    check("addressSpaceBytes", addressSpaceBytes, 64 * MIB, Long.MAX_VALUE);
    check("memoryBytes", memoryBytes, 64 * MIB, Long.MAX_VALUE / 2);
    check("processes", processes, 1, 4096);
    check("fileSizeBytes", fileSizeBytes, 0, 1024 * MIB);
    check("tmpfsInodes", tmpfsInodes, 16, 1_000_000);
    check("openFiles", openFiles, 16, 4096);
    check("outputBytes", outputBytes, 0, MIB);
  }

  /**
   * 5 s wall clock, 5 s CPU, 1 GiB address space per process and 1 GiB for the whole tree, 64 processes, 16 MiB
   * files (a 32 MiB /tmp of at most 4096 inodes), 64 open files, 8 KiB output kept.
   */
  public static SandboxLimits defaults() {
    return new SandboxLimits(Duration.ofSeconds(5), 5, 1024 * MIB, 1024 * MIB, 64, 16 * MIB, 4096, 64, 8192);
  }

  /** This wall clock, and a CPU limit of the same number of seconds (rounded up). */
  public SandboxLimits withWallClock(Duration wall) {
    int cpu = (int) Math.max(1, Math.min(600, (wall.toMillis() + 999) / 1000));
    return new SandboxLimits(wall, cpu, addressSpaceBytes, memoryBytes, processes, fileSizeBytes, tmpfsInodes,
        openFiles, outputBytes);
  }

  public SandboxLimits withCpuSeconds(int seconds) {
    return new SandboxLimits(wallClock, seconds, addressSpaceBytes, memoryBytes, processes, fileSizeBytes,
        tmpfsInodes, openFiles, outputBytes);
  }

  public SandboxLimits withAddressSpaceBytes(long bytes) {
    return new SandboxLimits(wallClock, cpuSeconds, bytes, memoryBytes, processes, fileSizeBytes, tmpfsInodes,
        openFiles, outputBytes);
  }

  public SandboxLimits withMemoryBytes(long bytes) {
    return new SandboxLimits(wallClock, cpuSeconds, addressSpaceBytes, bytes, processes, fileSizeBytes, tmpfsInodes,
        openFiles, outputBytes);
  }

  public SandboxLimits withTmpfs(long fileSizeBytes, int inodes) {
    return new SandboxLimits(wallClock, cpuSeconds, addressSpaceBytes, memoryBytes, processes, fileSizeBytes, inodes,
        openFiles, outputBytes);
  }

  /** Bytes of the private /tmp: twice the file-size limit, at least 64 KiB. */
  long tmpfsBytes() {
    return Math.max(64 * 1024, 2 * fileSizeBytes);
  }

  private static void check(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
    }
  }
}
