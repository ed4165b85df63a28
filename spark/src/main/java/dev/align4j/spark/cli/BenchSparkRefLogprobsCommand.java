package dev.align4j.spark.cli;

import dev.align4j.core.AtomicFiles;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Main;
import dev.align4j.app.cli.Options;
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
import dev.align4j.policies.llama.ComputeDevice;
import dev.align4j.policies.llama.ComputeDtype;
import dev.align4j.spark.io.OutputDataset;
import dev.align4j.spark.jobs.RefLogprobsJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j bench spark-ref-logprobs [--out FILE] [--model DIR] [--pairs N] [--executors N | --master URL]}:
 * reference log-probs of a DPO data set, sequences per second, on a standalone cluster started on this machine
 * (N executors of one core, each its own JVM; or any {@code --master}) against what the DPO recipe does on one
 * machine ({@code ReferenceScores.compute}: tokenize, fingerprint, score, write the cache file) with libtorch on as
 * many threads as there are executors. The data: {@code --pairs} arithmetic preference rows
 * ({@code {"prompt": "a+b=", "chosen": sum, "rejected": sum ± small}}) for the demo model ({@code models/tiny-arith}
 * by default: any Llama folder with a tokenizer works), template tulu, max length 32, batches of 8 (the dpo-tiny
 * recipe). Median of {@code --runs} timed runs per side after one warm-up; the Spark job's cache parts must equal
 * the recipe's entries bit for bit. Writes {@code [{"name": "ref-logprobs", "pairs", "sequences", "executors",
 * "single_seq_per_s", "spark_seq_per_s", "spark_seq_per_s_per_executor", "spark_over_single", "identical"},
 * {"name": "session", "start_s", "master"}]}.
 */
@Command(name = "spark-ref-logprobs", mixinStandardHelpOptions = true,
    description = "spark ref-logprobs on a local standalone cluster vs the DPO recipe's reference pass.")
public final class BenchSparkRefLogprobsCommand implements Callable<Integer> {
  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  Path out = Path.of("bench-spark-ref-logprobs.json");

  @Option(names = "--model", description = "model folder with a tokenizer (default: models/tiny-arith)")
  Optional<Path> model = Optional.empty();

  @Option(names = "--pairs", description = "preference rows (default: ${DEFAULT-VALUE})") int pairs = 1000;

  @Option(names = "--runs", description = "timed runs per side (default: ${DEFAULT-VALUE})") int runs = 3;

  @Mixin BenchDriver driver;

  private static final int MAX_LENGTH = 32;
  private static final int BATCH = 8;

  @Override
  public Integer call() throws Exception {
    Options.atLeast("--pairs", pairs, 1);
    Options.atLeast("--runs", runs, 1);
    driver.check();
    Path modelDir = model.orElse(Path.of(System.getProperty("align4j.home", "."), "models", "tiny-arith"))
        .toAbsolutePath().normalize();
    Path dir = Files.createTempDirectory("align4j-bench-spark-ref-");
    ArrayNode results = Jsonl.MAPPER.createArrayNode();
    try {
      Path data = writePairs(dir.resolve("prefs.jsonl"));
      try (BenchDriver.Session s = driver.open("align4j bench spark-ref-logprobs")) {
        int executors = s.cluster().isPresent() ? driver.executors
            : s.handle().session().sparkContext().defaultParallelism();
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(executors));
        double[] singleS = new double[runs];
        double[] sparkS = new double[runs];
        List<ReferenceLogProbs> own = List.of();
        List<ReferenceLogProbs> parts = List.of();
        for (int r = -1; r < runs; r++) { // r = -1: warm-up of both sides
          long t = System.nanoTime();
          own = single(modelDir, data, dir.resolve("own-" + r));
          double a = (System.nanoTime() - t) / 1e9;
          Path sparkOut = dir.resolve("spark-" + r);
          RefLogprobsJob job = new RefLogprobsJob(data.toString(), sparkOut.toString(), OutputDataset.Format.PARQUET,
              modelDir.toString(), ComputeDevice.CPU, ComputeDtype.FP32, BATCH, executors,
              Optional.of("tulu"), OptionalInt.of(MAX_LENGTH), "none", "none", false);
          t = System.nanoTime();
          CacheKey key = job.run(s.handle().session(), Jsonl.MAPPER.createObjectNode()).key();
          double b = (System.nanoTime() - t) / 1e9;
          if (ReferenceLogProbParts.lookup(sparkOut.resolve("reference_logprobs"), key) instanceof CacheLookup.Hit h) {
            parts = h.values();
          }
          if (r >= 0) {
            singleS[r] = a;
            sparkS[r] = b;
          }
        }
        int sequences = own.size();
        ObjectNode o = results.addObject();
        o.put("name", "ref-logprobs");
        o.put("pairs", pairs);
        o.put("sequences", sequences);
        o.put("executors", executors);
        o.put("single_seq_per_s", sequences / BenchDriver.median(singleS));
        o.put("spark_seq_per_s", sequences / BenchDriver.median(sparkS));
        o.put("spark_seq_per_s_per_executor", sequences / BenchDriver.median(sparkS) / executors);
        o.put("spark_over_single", BenchDriver.median(singleS) / BenchDriver.median(sparkS));
        o.put("identical", own.equals(parts));
        ObjectNode info = results.addObject();
        info.put("name", "session");
        info.put("start_s", s.startS());
        info.put("master", s.handle().session().sparkContext().master());
      }
    } finally {
      AtomicFiles.deleteTree(dir);
    }
    BenchDriver.write(results, out);
    ObjectNode r = (ObjectNode) results.get(0);
    System.out.println("sequences  single seq/s  spark seq/s  per executor  spark/single  identical");
    System.out.printf(Locale.ROOT, "%-10d %12.1f %12.1f %13.1f %13.2f  %s%n", r.get("sequences").asInt(),
        r.get("single_seq_per_s").asDouble(), r.get("spark_seq_per_s").asDouble(),
        r.get("spark_seq_per_s_per_executor").asDouble(), r.get("spark_over_single").asDouble(),
        r.get("identical").asBoolean());
    System.out.printf(Locale.ROOT, "cluster + session start %.1f s (%s); wrote %s%n",
        results.get(1).get("start_s").asDouble(), results.get(1).get("master").asText(), out);
    return Main.EXIT_OK;
  }

  /** The recipe's reference pass, interleaved chosen₀, rejected₀, … as the cache stores them. */
  private static List<ReferenceLogProbs> single(Path modelDir, Path data, Path cache) {
    List<ReferenceLogProbs> all = new ArrayList<>();
    try (PolicyModel policy = PolicyModel.load(modelDir, modelDir, "tulu")) {
      List<EncodedPair> encoded =
          Encoding.preferences(PreferenceExample.readJsonl(data), policy.encoder(), MAX_LENGTH).examples();
      ReferenceScores scores = ReferenceScores.compute(policy, modelDir, encoded, MAX_LENGTH, BATCH, cache);
      for (int i = 0; i < scores.chosen().size(); i++) {
        all.add(scores.chosen().get(i));
        all.add(scores.rejected().get(i));
      }
    }
    return all;
  }

  private Path writePairs(Path file) throws java.io.IOException {
    Random rng = new Random(7);
    List<String> lines = new ArrayList<>(pairs);
    for (int i = 0; i < pairs; i++) {
      int a = rng.nextInt(500);
      int b = rng.nextInt(500);
      int wrong = a + b + (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextInt(9));
      ObjectNode o = Jsonl.MAPPER.createObjectNode();
      o.put("id", i);
      o.put("prompt", a + "+" + b + "=");
      o.put("chosen", Integer.toString(a + b));
      o.put("rejected", Integer.toString(wrong));
      lines.add(Jsonl.MAPPER.writeValueAsString(o));
    }
    return Files.write(file, lines);
  }
}
