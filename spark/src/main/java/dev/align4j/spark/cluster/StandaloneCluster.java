package dev.align4j.spark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.Jsonl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster on 127.0.0.1: one {@code org.apache.spark.deploy.master.Master} and N
 * {@code org.apache.spark.deploy.worker.Worker}s, each its own JVM started from this checkout's jars
 * ({@link SubmitJars#sparkHome()} laid out as {@code SPARK_HOME/jars}, which is where a worker takes its executors'
 * class path from), on free ports, with logs and work folders under one directory. Jobs are submitted as
 * {@code spark-submit} would ({@link #submit}: {@code org.apache.spark.deploy.SparkSubmit} in a driver JVM of its
 * own, the application jars shipped with {@code --jars}) or from this JVM with {@link #driverConf()}.
 * {@link #close()} kills every process it started (also from a shutdown hook, should the caller die first).
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final String MAIN_CLASS = "dev.align4j.spark.cli.SparkMain";
  /** What Spark 3.5 needs opened on Java 17 (as spark.java17.opens in spark/pom.xml and the launcher pass it). */
  private static final List<String> JAVA17_OPENS = List.of("java.lang", "java.lang.invoke", "java.lang.reflect",
      "java.io", "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
      "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar");

  private final SubmitJars jars;
  private final Path dir;
  private final Path sparkHome;
  private final int cores;
  private final String executorMemory;
  private final List<Process> processes = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final Thread reaper = new Thread(this::killAll, "align4j-cluster-reaper");
  private int masterPort;
  private int masterUiPort;

  private StandaloneCluster(SubmitJars jars, Path dir, int cores, String executorMemory) {
    this.jars = jars;
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    this.cores = cores;
    this.executorMemory = executorMemory;
  }

  /**
   * Starts a master and {@code workers} workers of {@code coresPerWorker} cores each, waits until all are
   * registered (at most {@code timeout}), or kills what it started and fails with the logs' tails.
   */
  public static StandaloneCluster start(SubmitJars jars, Path dir, int workers, int coresPerWorker,
      String executorMemory, Duration timeout) {
    try {
      return startOnce(jars, dir, workers, coresPerWorker, executorMemory, timeout);
    } catch (IllegalStateException first) {
      // a free port taken by someone else between choosing and binding it: once more on new ports
      try {
        return startOnce(jars, dir.resolve("retry"), workers, coresPerWorker, executorMemory, timeout);
      } catch (IllegalStateException second) {
        second.addSuppressed(first);
        throw second;
      }
    }
  }

  private static StandaloneCluster startOnce(SubmitJars jars, Path dir, int workers, int coresPerWorker,
      String executorMemory, Duration timeout) {
    StandaloneCluster c = new StandaloneCluster(jars, dir, coresPerWorker, executorMemory);
    Runtime.getRuntime().addShutdownHook(c.reaper);
    try {
      Files.createDirectories(dir);
      c.layOut();
      c.masterPort = freePort();
      c.masterUiPort = freePort();
      c.spawn("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          Integer.toString(c.masterPort), "--webui-port", Integer.toString(c.masterUiPort)), "256m");
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(dir.resolve("work-" + i));
        c.workers.add(c.spawn("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
            "--webui-port", Integer.toString(freePort()), "--cores", Integer.toString(coresPerWorker), "--memory",
            "2g", "--work-dir", work.toString(), c.masterUrl()), "256m"));
      }
      c.awaitWorkers(workers, timeout);
      return c;
    } catch (IOException | RuntimeException e) {
      String logs = c.logTails();
      c.close();
      throw new IllegalStateException("standalone cluster did not start: " + e.getMessage() + "\n" + logs, e);
    }
  }

  /** {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The folder holding logs, work folders and SPARK_HOME. */
  public Path dir() {
    return dir;
  }

  /**
   * The settings a driver needs for this cluster, as {@code spark-submit --conf} pairs: the application jars in
   * {@code spark.jars}, one executor of {@code coresPerWorker} cores and the given memory per worker, executors
   * offline and single-threaded in libtorch (one core each), driver and shuffle on loopback.
   */
  public Map<String, String> driverConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.jars", jars.application().stream().map(p -> p.toUri().toString())
        .collect(Collectors.joining(",")));
    conf.put("spark.executor.cores", Integer.toString(cores));
    conf.put("spark.cores.max", Integer.toString(cores * workers.size()));
    conf.put("spark.executor.memory", executorMemory);
    conf.put("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=" + cores
        + " -Dai.djl.pytorch.num_interop_threads=1 -XX:+UseSerialGC");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.local.dir", dir.resolve("local").toString());
    conf.put("spark.sql.shuffle.partitions", "4");
    return conf;
  }

  /**
   * Submits {@code ./align4j spark ARGS} as {@code spark-submit --master URL --deploy-mode client --class SparkMain
   * --jars APPLICATION_JARS --conf ... align4j-spark.jar ARGS} does: a driver JVM on Spark's class path that loads
   * the application from the shipped jars. Its output goes to {@code log}.
   */
  public Process submit(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl(),
        "--deploy-mode", "client", "--class", MAIN_CLASS));
    Map<String, String> conf = driverConf();
    cmd.add("--jars");
    cmd.add(conf.remove("spark.jars"));
    conf.forEach((k, v) -> {
      cmd.add("--conf");
      cmd.add(k + "=" + v);
    });
    cmd.add(jars.mainJar().toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(java("768m", cmd)).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    environment(pb);
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /** Kills worker {@code i} and its executors with SIGKILL, as a lost machine would vanish. */
  public void killWorker(int i) {
    ProcessHandle worker = workers.get(i).toHandle();
    worker.descendants().forEach(ProcessHandle::destroyForcibly);
    worker.destroyForcibly();
    try {
      workers.get(i).waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The executor JVMs now running under worker {@code i}. */
  public long executorsOf(int i) {
    return workers.get(i).toHandle().descendants().filter(ProcessHandle::isAlive).count();
  }

  /** The last lines of every log, for failure messages. */
  public String logTails() {
    StringBuilder out = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path log : files.filter(p -> p.getFileName().toString().endsWith(".log")
          || p.getFileName().toString().equals("stderr")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log);
        out.append("==> ").append(dir.relativize(log)).append(" <==\n");
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> out.append(l).append('\n'));
      }
    } catch (IOException | UncheckedIOException e) {
      out.append("(logs unreadable: ").append(e.getMessage()).append(")\n");
    }
    return out.toString();
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  private void killAll() {
    List<Process> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
    }
    for (Process p : all) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void layOut() throws IOException {
    Path lib = Files.createDirectories(sparkHome.resolve("jars"));
    for (Path jar : jars.sparkHome()) {
      Path link = lib.resolve(jar.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
    Files.createDirectories(sparkHome.resolve("conf"));
    Files.createDirectories(dir.resolve("local"));
  }

  private Process spawn(String name, List<String> args, String heap) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(java(heap, args)).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    environment(pb);
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  private void environment(ProcessBuilder pb) {
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    env.remove("SPARK_CLASSPATH");
    env.remove("SPARK_DIST_CLASSPATH");
  }

  /** {@code java -Xmx HEAP <Java 17 opens> -cp SPARK_HOME/jars/* ARGS}. */
  private List<String> java(String heap, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Dspark.worker.timeout=15");
    for (String pkg : JAVA17_OPENS) {
      cmd.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
    }
    cmd.add("-Djdk.reflect.useDirectMethodHandle=false");
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.addAll(args);
    return cmd;
  }

  private void awaitWorkers(int n, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster process exited with code " + p.exitValue());
        }
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + masterUiPort + "/json/")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        JsonNode state = Jsonl.MAPPER.readTree(r.body());
        long alive = 0;
        for (JsonNode w : state.path("workers")) {
          alive += "ALIVE".equals(w.path("state").asText()) ? 1 : 0;
        }
        if (alive >= n) {
          return;
        }
        last = alive + " of " + n + " workers registered";
      } catch (IOException e) {
        last = "master not answering: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
    throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
