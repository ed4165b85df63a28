package dev.align4j.spark.cli;

import dev.align4j.core.AtomicFiles;
import dev.align4j.app.cli.Options;
import dev.align4j.spark.SparkSessions;
import dev.align4j.spark.cluster.StandaloneCluster;
import dev.align4j.spark.cluster.SubmitJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * Where a {@code bench spark-*} command runs its Spark side: by default a standalone cluster it starts on
 * 127.0.0.1 ({@code --executors} workers of one core each, executors in their own JVMs, the jars of this
 * checkout shipped as {@code spark-submit} would); or {@code --master URL} (e.g. {@code local[2]}).
 */
public final class BenchDriver {
  @Option(names = "--master", description = "Spark master instead of a local standalone cluster (e.g. local[2])")
  Optional<String> master = Optional.empty();

  @Option(names = "--executors", description = "standalone cluster: workers (one executor of one core each) "
      + "(default: ${DEFAULT-VALUE})")
  int executors = 2;

  @Option(names = "--executor-memory", description = "standalone cluster: executor heap (default: ${DEFAULT-VALUE})")
  String executorMemory = "1g";

  /** An open session plus the cluster behind it (if this command started one). */
  record Session(SparkSessions.Handle handle, Optional<StandaloneCluster> cluster, Path dir, double startS)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        handle.close();
      } finally {
        cluster.ifPresent(StandaloneCluster::close);
        AtomicFiles.deleteTree(dir);
      }
    }
  }

  /** Checks the options (exit 2 naming the option), before anything is started. */
  void check() {
    Options.atLeast("--executors", executors, 1);
  }

  /** Starts the cluster (unless {@code --master}) and a driver session in this JVM. */
  Session open(String appName) throws IOException {
    check();
    Path dir = Files.createTempDirectory("align4j-bench-cluster-");
    long t0 = System.nanoTime();
    if (master.isPresent()) {
      return new Session(SparkSessions.open(master, appName), Optional.empty(), dir, (System.nanoTime() - t0) / 1e9);
    }
    String home = System.getProperty("align4j.home", ".");
    StandaloneCluster cluster = StandaloneCluster.start(new SubmitJars(Path.of(home)), dir, executors, 1,
        executorMemory, Duration.ofMinutes(2));
    Map<String, String> conf = cluster.driverConf();
    SparkSessions.Handle h = SparkSessions.open(Optional.of(cluster.masterUrl()), appName, conf);
    return new Session(h, Optional.of(cluster), dir, (System.nanoTime() - t0) / 1e9);
  }

  /** Writes a bench's results as pretty JSON, atomically. */
  static void write(com.fasterxml.jackson.databind.node.ArrayNode results, Path out) throws IOException {
    try (dev.align4j.core.AtomicOutput o = dev.align4j.core.AtomicOutput.create(out)) {
      o.write(dev.align4j.core.Jsonl.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
      o.commit();
    }
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** The concatenated JSONL part files of an output folder (what {@code cat OUT/part-*} prints). */
  static byte[] concatenatedParts(Path out) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(out)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        all.write(Files.readAllBytes(p));
      }
    }
    return all.toByteArray();
  }
}
