package dev.align4j.spark.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Checker;
import dev.align4j.app.cli.Main;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.Jsonl;
import dev.align4j.rewards.math.MathCorpus;
import dev.align4j.spark.SparkSessions;
import dev.align4j.spark.jobs.CheckJob;
import dev.align4j.spark.jobs.RowPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j bench spark-verify [--out FILE]}: rows per second of {@code spark verify} on {@code local[2]}
 * against the single-machine {@code verify} with the same worker count, on the same inputs: the math corpus
 * replicated to {@code --rows} rows, and a few code cases replicated to {@code --code-rows} rows (each one sandboxed
 * python3 run). Median of {@code --runs} timed runs per side after one warm-up; the outputs must be byte-identical.
 * Session start-up is measured apart. Writes {@code [{"name": "math"|"code", "rows", "single_rows_per_s",
 * "spark_rows_per_s", "spark_over_single", "identical"}, {"name": "session", "start_s"}]}.
 */
@Command(name = "spark-verify", mixinStandardHelpOptions = true,
    description = "spark verify on local[2] vs single-machine verify, rows per second on the same cases.")
public final class BenchSparkVerifyCommand implements Callable<Integer> {
  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  Path out = Path.of("bench-spark-verify.json");

  @Option(names = "--rows", description = "math rows (default: ${DEFAULT-VALUE})") int rows = 4000;

  @Option(names = "--code-rows", description = "code rows (default: ${DEFAULT-VALUE})") int codeRows = 24;

  @Option(names = "--workers", description = "workers on both sides (default: ${DEFAULT-VALUE})") int workers = 2;

  @Option(names = "--runs", description = "timed runs per side (default: ${DEFAULT-VALUE})") int runs = 3;

  @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE})") String master = "local[2]";

  private static final List<String[]> CODE_CASES = List.of(
      new String[] {"def add(a, b):\n    return a + b\n", "assert add(1, 2) == 3", "assert add(-1, 1) == 0"},
      new String[] {"def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
          "assert fib(10) == 55", "assert fib(30) == 832040"},
      new String[] {"def srt(xs):\n    return sorted(xs)\n", "assert srt([1, 3, 2]) == [3, 2, 1]"});

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || codeRows < 1 || workers < 1 || runs < 1) {
      throw dev.align4j.core.BadInputException.option("--rows, --code-rows, --workers, --runs", "must be >= 1");
    }
    Path dir = Files.createTempDirectory("align4j-bench-spark-");
    ArrayNode results = Jsonl.MAPPER.createArrayNode();
    try {
      Path math = writeMath(dir.resolve("math.jsonl"));
      Path code = writeCode(dir.resolve("code.jsonl"));
      long t0 = System.nanoTime();
      try (SparkSessions.Handle h = SparkSessions.open(Optional.of(master), "align4j bench spark-verify")) {
        double startS = (System.nanoTime() - t0) / 1e9;
        results.add(compare(h, Checker.MATH, math, rows, dir));
        results.add(compare(h, Checker.CODE, code, codeRows, dir));
        ObjectNode s = results.addObject();
        s.put("name", "session");
        s.put("start_s", startS);
        s.put("master", h.session().sparkContext().master());
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    try (AtomicOutput o = AtomicOutput.create(out)) {
      o.write(Jsonl.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
      o.commit();
    }
    System.out.println("checker  rows   single rows/s  spark rows/s  spark/single  identical");
    for (int i = 0; i < 2; i++) {
      ObjectNode r = (ObjectNode) results.get(i);
      System.out.printf(Locale.ROOT, "%-8s %-6d %13.1f %13.1f %13.2f  %s%n", r.get("name").asText(),
          r.get("rows").asInt(), r.get("single_rows_per_s").asDouble(), r.get("spark_rows_per_s").asDouble(),
          r.get("spark_over_single").asDouble(), r.get("identical").asBoolean());
    }
    System.out.printf(Locale.ROOT, "session start %.1f s (%s); wrote %s%n", results.get(2).get("start_s").asDouble(),
        master, out);
    return Main.EXIT_OK;
  }

  private ObjectNode compare(SparkSessions.Handle h, Checker checker, Path input, int n, Path dir) throws IOException {
    Path single = dir.resolve(checker.wireName() + "-single.jsonl");
    Path spark = dir.resolve(checker.wireName() + "-spark.jsonl");
    CheckJob job = new CheckJob(input.toString(), spark, new RowPlan.Verify(checker, 5000), workers, 2 * workers);
    double[] singleS = new double[runs];
    double[] sparkS = new double[runs];
    for (int r = -1; r < runs; r++) { // r = -1: warm-up of both sides
      long t = System.nanoTime();
      int code = Main.execute("verify", "--checker", checker.wireName(), "--input", input.toString(), "--output",
          single.toString(), "--workers", Integer.toString(workers));
      double s = (System.nanoTime() - t) / 1e9;
      if (code != Main.EXIT_OK) {
        throw new IllegalStateException("single-machine verify failed with exit code " + code);
      }
      t = System.nanoTime();
      job.run(h.session());
      double p = (System.nanoTime() - t) / 1e9;
      if (r >= 0) {
        singleS[r] = s;
        sparkS[r] = p;
      }
    }
    ObjectNode o = Jsonl.MAPPER.createObjectNode();
    o.put("name", checker.wireName());
    o.put("rows", n);
    o.put("workers", workers);
    o.put("single_rows_per_s", n / median(singleS));
    o.put("spark_rows_per_s", n / median(sparkS));
    o.put("spark_over_single", median(singleS) / median(sparkS));
    o.put("identical", Arrays.equals(Files.readAllBytes(single), Files.readAllBytes(spark)));
    return o;
  }

  private Path writeMath(Path file) throws IOException {
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

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
