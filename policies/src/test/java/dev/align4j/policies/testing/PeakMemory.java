package dev.align4j.policies.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Peak resident memory of this process from {@code /proc/self/status} (Linux), and a way to run a probe in a fresh
 * JVM so that nothing else the test JVM does moves the peak. {@code VmHWM} is the peak resident set; writing 5 to
 * {@code /proc/self/clear_refs} resets it to the current resident set, so a probe measures
 * {@code peak − resident before} around one operation. Native arrays (libtorch's allocations) count; the Java heap
 * is fixed and pre-touched by {@link #runJava} so that it does not.
 */
public final class PeakMemory {
  private PeakMemory() {}

  /** A field of {@code /proc/self/status} in KiB, e.g. {@code VmRSS} or {@code VmHWM}. */
  public static long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(field + " not in /proc/self/status");
  }

  /** Resets {@code VmHWM} to the current resident set. */
  public static void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the peak resident set", e);
    }
  }

  /** Peak resident set growth in KiB while {@code body} runs. */
  public static long peakGrowthKb(Runnable body) {
    System.gc();
    resetPeak();
    long before = statusKb("VmRSS");
    body.run();
    return statusKb("VmHWM") - before;
  }

  /**
   * Runs {@code mainClass} with {@code args} in a fresh JVM on this test class path (heap fixed at 256 MiB and
   * pre-touched, one intra-op thread, large native blocks always mmapped) and returns its standard output lines; fails when it exits non-zero.
   */
  public static List<String> runJava(Class<?> mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    cmd.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("OMP_NUM_THREADS", "1");
      // a fixed mmap threshold: every large block is mapped on allocation and unmapped when freed, so the resident
      // set follows live native memory (glibc otherwise raises the threshold to 32 MiB after the first large free
      // and serves later blocks from heap arenas that keep freed memory resident)
      pb.environment().put("MALLOC_MMAP_THRESHOLD_", "65536");
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(mainClass.getSimpleName() + " did not finish");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(mainClass.getSimpleName() + " exited " + p.exitValue() + ":\n" + text);
      }
      return text.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value after {@code key=} in the line starting with {@code key=} (probes print {@code key=value}). */
  public static long value(List<String> lines, String key) {
    for (String l : lines) {
      if (l.startsWith(key + "=")) {
        return Long.parseLong(l.substring(key.length() + 1).trim());
      }
    }
    throw new IllegalStateException("no line " + key + "= in:\n" + String.join("\n", lines));
  }
}
