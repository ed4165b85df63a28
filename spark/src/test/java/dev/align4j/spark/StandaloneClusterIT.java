package dev.align4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.PreferenceExample;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.ReferenceScores;
import dev.align4j.policies.cache.CacheKey;
import dev.align4j.policies.cache.CacheLookup;
import dev.align4j.policies.cache.ReferenceLogProbParts;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.spark.cli.BenchSparkVerifyCommand;
import dev.align4j.spark.cluster.StandaloneCluster;
import dev.align4j.spark.cluster.SubmitJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs on a real Spark standalone cluster on 127.0.0.1: a master and two workers, each its own JVM started from
 * the built jars (SPARK_HOME/jars = Spark's jars), executors of one core launched by the workers in JVMs of their
 * own, and each job submitted as {@code spark-submit --deploy-mode client --jars <the application jars>} would
 * (a driver JVM running {@code org.apache.spark.deploy.SparkSubmit}; the executors fetch the application jars from
 * it). Results must equal the single-machine commands' (run here in-process); the last test kills a worker and its
 * executor with SIGKILL while the job is writing and expects the same output from Spark's task retries.
 *
 * <p>Runs after {@code package} (failsafe): it ships {@code app/target/align4j.jar}, {@code app/target/lib/*.jar}
 * and {@code spark/target/align4j-spark.jar}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {
  private static final Duration JOB_LIMIT = Duration.ofMinutes(4);
  private static StandaloneCluster cluster;
  private static Path clusterDir;
  private static long started;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws IOException {
    ai.djl.engine.Engine.getInstance(); // the single-machine side scores on this thread
    started = System.nanoTime();
    clusterDir = Files.createTempDirectory("align4j-cluster-it-");
    cluster = StandaloneCluster.start(new SubmitJars(Path.of("..").toAbsolutePath().normalize()), clusterDir, 2, 1,
        "768m", Duration.ofMinutes(2));
    System.err.printf("standalone cluster up in %.1f s at %s%n", (System.nanoTime() - started) / 1e9,
        cluster.masterUrl());
  }

  @AfterAll
  static void stopCluster() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    if (clusterDir != null) {
      try (Stream<Path> files = Files.walk(clusterDir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.err.printf("standalone cluster tests: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
  }

  @Test
  @Order(1)
  void verifyOnTheClusterEqualsSingleMachineAndRanOnBothWorkers() throws Exception {
    Path in = mathInput(2000);
    Path single = singleVerify(in);
    Path out = dir.resolve("verified");
    submit("verify", List.of("verify", "--checker", "math", "--input", in.toString(), "--output", out.toString(),
        "--format", "jsonl", "--workers", "1", "--partitions", "4"));
    assertArrayEquals(Files.readAllBytes(single), CliRun.parts(out));
    JsonNode manifest = Jsonl.MAPPER.readTree(out.resolve("_manifest.json").toFile());
    assertEquals(cluster.masterUrl(), manifest.get("spark").get("master").asText());
    assertEquals(2000, manifest.get("rows").asLong());
    for (int w = 0; w < 2; w++) {
      try (Stream<Path> apps = Files.list(cluster.dir().resolve("work-" + w))) {
        assertTrue(apps.anyMatch(a -> a.getFileName().toString().startsWith("app-")),
            "worker " + w + " launched an executor\n" + cluster.logTails());
      }
    }
  }

  @Test
  @Order(2)
  void refLogprobsOfTokenRowsOnTheClusterEqualTheLogprobsCommand() throws Exception {
    Path model = CliRun.fixture("tiny-llama");
    Path seqs = model.resolve("sequences.jsonl");
    Path single = dir.resolve("single.jsonl");
    CliRun a = CliRun.of("logprobs", "--model", model.toString(), "--input", seqs.toString(), "--output",
        single.toString(), "--batch-size", "3");
    assertEquals(0, a.exit(), a.stderr());
    Path out = dir.resolve("ref");
    submit("ref-logprobs", List.of("ref-logprobs", "--model", model.toString(), "--input", seqs.toString(),
        "--output", out.toString(), "--batch-size", "3", "--partitions", "2", "--format", "jsonl"));
    assertArrayEquals(Files.readAllBytes(single), CliRun.parts(out));
    JsonNode manifest = Jsonl.MAPPER.readTree(out.resolve("_manifest.json").toFile());
    assertEquals(2, manifest.get("reference_logprobs").get("parts").asInt());
  }

  @Test
  @Order(3)
  void preferenceRowsTokenizedOnTheExecutorsGiveTheRecipesCacheEntries() throws Exception {
    Path model = CliRun.repo("models/tiny-arith");
    Path prefs = CliRun.repo("configs/data/arith-prefs.jsonl");
    Path out = dir.resolve("prefs");
    submit("ref-logprobs-prefs", List.of("ref-logprobs", "--model", model.toString(), "--input", prefs.toString(),
        "--output", out.toString(), "--chat-template", "tulu", "--max-length", "32", "--batch-size", "8",
        "--partitions", "3"));
    List<ReferenceLogProbs> own = new ArrayList<>();
    CacheKey key;
    try (PolicyModel policy = PolicyModel.load(model, model, "tulu")) {
      List<EncodedPair> pairs =
          Encoding.preferences(PreferenceExample.readJsonl(prefs), policy.encoder(), 32).examples();
      ReferenceScores scores = ReferenceScores.compute(policy, model, pairs, 32, 8, dir.resolve("own"));
      for (int i = 0; i < scores.chosen().size(); i++) {
        own.add(scores.chosen().get(i));
        own.add(scores.rejected().get(i));
      }
    }
    try (Stream<Path> files = Files.list(dir.resolve("own"))) {
      String name = files.toList().get(0).getFileName().toString();
      key = ReferenceLogProbParts.storedKey(out.resolve("reference_logprobs")).orElseThrow();
      assertEquals(name, key.digest() + ".reflogp", "the recipe keys its cache exactly as the job did");
    }
    assertEquals(own, assertInstanceOf(CacheLookup.Hit.class,
        ReferenceLogProbParts.lookup(out.resolve("reference_logprobs"), key)).values());
  }

  @Test
  @Order(4)
  void aWorkerKilledMidJobChangesNothingInTheOutput() throws Exception {
    Path in = mathInput(12000);
    Path single = singleVerify(in);
    Path out = dir.resolve("survived");
    Path log = dir.resolve("driver-kill.log");
    Process driver = cluster.submit(List.of("verify", "--checker", "math", "--input", in.toString(), "--output",
        out.toString(), "--format", "jsonl", "--workers", "1", "--partitions", "12"), log);
    long committedAtKill = -1;
    long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
    while (System.nanoTime() < deadline && driver.isAlive()) {
      long committed = committedTasks(dir);
      if (committed >= 1 && cluster.executorsOf(0) > 0) {
        committedAtKill = committed;
        cluster.killWorker(0);
        break;
      }
      Thread.sleep(20);
    }
    assertTrue(committedAtKill >= 1, "the job never reached its output stage with worker 0 running\n" + tail(log));
    assertTrue(committedAtKill < 12, "the kill came after every task had finished");
    assertFalse(Files.exists(out), "nothing looks complete while the job runs");
    await(driver, log, "verify after a worker was killed");
    assertArrayEquals(Files.readAllBytes(single), CliRun.parts(out));
    String driverLog = Files.readString(log);
    assertTrue(driverLog.contains("Lost executor") || driverLog.contains("ExecutorLostFailure")
        || driverLog.contains("Removed executor"), "the driver saw the executor go\n" + tail(log));
  }

  /** Task outputs committed so far by a running job writing into {@code parent}. */
  private static long committedTasks(Path parent) throws IOException {
    long n = 0;
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path tmp : entries.filter(p -> p.getFileName().toString().startsWith(".survived.tmp-")).toList()) {
        Path attempts = tmp.resolve("_temporary").resolve("0");
        if (Files.isDirectory(attempts)) {
          try (Stream<Path> tasks = Files.list(attempts)) {
            n += tasks.filter(p -> p.getFileName().toString().startsWith("task_")).count();
          }
        }
      }
    }
    return n;
  }

  private Path mathInput(int rows) throws IOException {
    return BenchSparkVerifyCommand.writeMath(dir.resolve("math-" + rows + ".jsonl"), rows);
  }

  private Path singleVerify(Path in) {
    Path single = dir.resolve(in.getFileName() + ".single");
    CliRun r = CliRun.of("verify", "--checker", "math", "--input", in.toString(), "--output", single.toString());
    assertEquals(0, r.exit(), r.stderr());
    return single;
  }

  private void submit(String name, List<String> args) throws Exception {
    Path log = dir.resolve("driver-" + name + ".log");
    await(cluster.submit(args, log), log, name);
  }

  private static void await(Process driver, Path log, String what) throws Exception {
    if (!driver.waitFor(JOB_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly();
      fail(what + ": the driver did not finish within " + JOB_LIMIT.toSeconds() + " s\n" + tail(log)
          + cluster.logTails());
    }
    if (driver.exitValue() != 0) {
      fail(what + ": spark-submit exited with " + driver.exitValue() + "\n" + tail(log) + cluster.logTails());
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return "==> driver log " + log.getFileName() + " <==\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
  }
}
