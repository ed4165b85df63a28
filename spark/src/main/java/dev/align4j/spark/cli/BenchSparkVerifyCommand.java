package dev.align4j.spark.cli;

import dev.align4j.core.AtomicFiles;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Checker;
import dev.align4j.app.cli.Main;
import dev.align4j.app.cli.Options;
import dev.align4j.core.Jsonl;
import dev.align4j.rewards.math.MathCorpus;
import dev.align4j.spark.io.OutputDataset;
import dev.align4j.spark.jobs.CheckJob;
import dev.align4j.spark.jobs.RowPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j bench spark-verify [--out FILE] [--executors N | --master URL]}: rows per second of
 * {@code spark verify} on a standalone cluster started on this machine (N executors of one core, each its own JVM;
 * or any {@code --master}) against the single-machine {@code verify} with N workers, on the same inputs: the math
 * corpus replicated to {@code --rows} rows, and a few code cases replicated to {@code --code-rows} rows (each one
 * sandboxed python3 run). Median of {@code --runs} timed runs per side after one warm-up; the Spark side writes
 * JSONL part files whose concatenation must equal the single-machine file byte for byte. Writes
 * {@code [{"name": "math"|"code", "rows", "executors", "single_rows_per_s", "spark_rows_per_s",
 * "spark_rows_per_s_per_executor", "spark_over_single", "identical"}, {"name": "session", "start_s", "master"}]}.
 */
@Command(name = "spark-verify", mixinStandardHelpOptions = true,
    description = "spark verify on a local standalone cluster vs single-machine verify, rows per second.")
public final class BenchSparkVerifyCommand implements Callable<Integer> {
  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  Path out = Path.of("bench-spark-verify.json");

  @Option(names = "--rows", description = "math rows (default: ${DEFAULT-VALUE})") int rows = 20000;

  @Option(names = "--code-rows", description = "code rows (default: ${DEFAULT-VALUE})") int codeRows = 24;

  @Option(names = "--runs", description = "timed runs per side (default: ${DEFAULT-VALUE})") int runs = 3;

  @Mixin BenchDriver driver;

  private static final List<String[]> CODE_CASES = List.of(
      new String[] {"def add(a, b):\n    return a + b\n", "assert add(1, 2) == 3", "assert add(-1, 1) == 0"},
      new String[] {"def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
          "assert fib(10) == 55", "assert fib(30) == 832040"},
      new String[] {"def srt(xs):\n    return sorted(xs)\n", "assert srt([1, 3, 2]) == [3, 2, 1]"});

  @Override
  public Integer call() throws Exception {
    Options.atLeast("--rows", rows, 1);
    Options.atLeast("--code-rows", codeRows, 1);
    Options.atLeast("--runs", runs, 1);
    driver.check();
    Path dir = Files.createTempDirectory("align4j-bench-spark-");
    ArrayNode results = Jsonl.MAPPER.createArrayNode();
    try {
      Path math = writeMath(dir.resolve("math.jsonl"), rows);
      Path code = writeCode(dir.resolve("code.jsonl"));
      try (BenchDriver.Session s = driver.open("align4j bench spark-verify")) {
        int executors = s.cluster().isPresent() ? driver.executors
            : s.handle().session().sparkContext().defaultParallelism();
        results.add(compare(s, Checker.MATH, math, rows, executors, dir));
        results.add(compare(s, Checker.CODE, code, codeRows, executors, dir));
        ObjectNode info = results.addObject();
        info.put("name", "session");
        info.put("start_s", s.startS());
        info.put("master", s.handle().session().sparkContext().master());
      }
    } finally {
      AtomicFiles.deleteTree(dir);
    }
    BenchDriver.write(results, out);
    System.out.println("checker  rows   single rows/s  spark rows/s  per executor  spark/single  identical");
    for (int i = 0; i < 2; i++) {
      ObjectNode r = (ObjectNode) results.get(i);
      System.out.printf(Locale.ROOT, "%-8s %-6d %13.1f %13.1f %13.1f %13.2f  %s%n", r.get("name").asText(),
          r.get("rows").asInt(), r.get("single_rows_per_s").asDouble(), r.get("spark_rows_per_s").asDouble(),
          r.get("spark_rows_per_s_per_executor").asDouble(), r.get("spark_over_single").asDouble(),
          r.get("identical").asBoolean());
    }
    System.out.printf(Locale.ROOT, "cluster + session start %.1f s (%s); wrote %s%n",
        results.get(2).get("start_s").asDouble(), results.get(2).get("master").asText(), out);
    return Main.EXIT_OK;
  }

  private ObjectNode compare(BenchDriver.Session s, Checker checker, Path input, int n, int executors, Path dir)
      throws IOException {
    Path single = dir.resolve(checker.wireName() + "-single.jsonl");
    Path spark = dir.resolve(checker.wireName() + "-spark");
    CheckJob job = new CheckJob(input.toString(), spark.toString(), OutputDataset.Format.JSONL,
        new RowPlan.Verify(checker, 5000), 1, 2 * executors);
    double[] singleS = new double[runs];
    double[] sparkS = new double[runs];
    for (int r = -1; r < runs; r++) { // r = -1: warm-up of both sides
      long t = System.nanoTime();
      int code = Main.execute("verify", "--checker", checker.wireName(), "--input", input.toString(), "--output",
          single.toString(), "--workers", Integer.toString(executors));
      double a = (System.nanoTime() - t) / 1e9;
      if (code != Main.EXIT_OK) {
        throw new IllegalStateException("single-machine verify failed with exit code " + code);
      }
      t = System.nanoTime();
      job.run(s.handle().session(), "verify", Jsonl.MAPPER.createObjectNode());
      double b = (System.nanoTime() - t) / 1e9;
      if (r >= 0) {
        singleS[r] = a;
        sparkS[r] = b;
      }
    }
    ObjectNode o = Jsonl.MAPPER.createObjectNode();
    o.put("name", checker.wireName());
    o.put("rows", n);
    o.put("executors", executors);
    o.put("single_rows_per_s", n / BenchDriver.median(singleS));
    o.put("spark_rows_per_s", n / BenchDriver.median(sparkS));
    o.put("spark_rows_per_s_per_executor", n / BenchDriver.median(sparkS) / executors);
    o.put("spark_over_single", BenchDriver.median(singleS) / BenchDriver.median(sparkS));
    o.put("identical", Arrays.equals(Files.readAllBytes(single), BenchDriver.concatenatedParts(spark)));
    return o;
  }

  /** {@code rows} verify lines {@code {"id": "m<i>", "response", "gold"}}: the math corpus, repeated. */
  public static Path writeMath(Path file, int rows) throws IOException {
    List<MathCorpus.Case> corpus = MathCorpus.load();
    List<String> lines = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      MathCorpus.Case c = corpus.get(i % corpus.size());
      ObjectNode o = Jsonl.MAPPER.createObjectNode();
      o.put("id", "m" + i);
      o.put("response", c.response());
      o.put("gold", c.gold());
      lines.add(Jsonl.MAPPER.writeValueAsString(o));
    }
    return Files.write(file, lines);
  }

  private Path writeCode(Path file) throws IOException {
    List<String> lines = new ArrayList<>(codeRows);
    for (int i = 0; i < codeRows; i++) {
      String[] c = CODE_CASES.get(i % CODE_CASES.size());
      ObjectNode o = Jsonl.MAPPER.createObjectNode();
      o.put("id", "c" + i);
      o.put("response", "```python\n" + c[0] + "```");
      var tests = o.putArray("tests");
      Arrays.asList(c).subList(1, c.length).forEach(tests::add);
      lines.add(Jsonl.MAPPER.writeValueAsString(o));
    }
    return Files.write(file, lines);
  }
}
