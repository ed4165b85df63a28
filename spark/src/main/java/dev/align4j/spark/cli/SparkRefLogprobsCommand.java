package dev.align4j.spark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Main;
import dev.align4j.app.cli.Options;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.Jsonl;
import dev.align4j.policies.cache.CacheKey;
import dev.align4j.policies.cache.Digest;
import dev.align4j.policies.cache.ReferenceLogProbCache;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.spark.SparkSessions;
import dev.align4j.spark.jobs.RefLogprobsJob;
import dev.align4j.spark.jobs.SequenceRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j spark ref-logprobs --model DIR --input SEQS.jsonl --output OUT.jsonl [--batch-size N]
 * [--cache-dir DIR --max-length L]}: the single-machine {@code logprobs} (input {@code {"id", "tokens",
 * "completion_start"}}, output {@code {"id", "token_logprobs", "sum", "mean", "count"}}, same numbers) on Spark,
 * optionally also storing the rows in a {@link ReferenceLogProbCache} file under
 *
 * <pre>
 * CacheKey(weights = Digest().modelFolder(DIR), data = Digest().ints(tokens) per row in order,
 *          tokenizer = --key-tokenizer, template = --key-template, maxLength = --max-length, compute = "fp32/cpu")
 * entries = ReferenceLogProbs.ofSum(scorer's float32 sum, count)   (ofTokens with --cache-tokens)
 * </pre>
 *
 * which is the key and the entries a DPO run ({@code ReferenceScores}) computes when the rows are its encoded
 * chosen/rejected sequences interleaved and the key flags name its tokenizer, template and max length.
 */
@Command(name = "ref-logprobs", mixinStandardHelpOptions = true,
    description = "Reference log-probs of token sequences on Spark, optionally as a reference log-prob cache file.")
public final class SparkRefLogprobsCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Hugging Face model folder (a path every executor sees)")
  Path model;

  @Option(names = "--input", required = true, description = "SEQS.jsonl") Path input;

  @Option(names = "--output", required = true, description = "OUT.jsonl") Path output;

  @Option(names = "--device", description = "cpu | gpu (default cpu)") String device = "cpu";

  @Option(names = "--dtype", description = "fp32 | fp16 | bf16 (fp16/bf16: GPU only)") String dtype = "fp32";

  @Option(names = "--batch-size", description = "sequences per forward pass (default: ${DEFAULT-VALUE})")
  int batchSize = 8;

  @Option(names = "--cache-dir", description = "also store the rows as a reference log-prob cache file here")
  Optional<Path> cacheDir = Optional.empty();

  @Option(names = "--max-length", description = "cache key: the max sequence length of the run (default: longest row)")
  Optional<Integer> maxLength = Optional.empty();

  @Option(names = "--key-tokenizer", description = "cache key: tokenizer fingerprint (default: ${DEFAULT-VALUE})")
  String keyTokenizer = "none";

  @Option(names = "--key-template", description = "cache key: chat template identity (default: ${DEFAULT-VALUE})")
  String keyTemplate = "none";

  @Option(names = "--cache-tokens", description = "store per-token values in the cache too (RL's per-token KL)")
  boolean cacheTokens;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() {
    Options.atLeast("--batch-size", batchSize, 1);
    Options.atLeast("--partitions", spark.partitions(), 1);
    if (maxLength.isPresent()) {
      Options.atLeast("--max-length", maxLength.get(), 1);
    }
    Options.output("--output", output);
    LoadOptions options = Options.loadOptions(device, dtype);
    LlamaConfig config = LlamaConfig.read(model.resolve("config.json"));
    SequenceRows rows = SequenceRows.read(input, config, batchSize, options.dtype().dataType().getNumOfBytes());
    RefLogprobsJob job = new RefLogprobsJob(model.toString(), options, batchSize, spark.partitions());
    List<RefLogprobsJob.Scored> scored;
    try (SparkSessions.Handle h = SparkSessions.open(spark.master(), "align4j ref-logprobs")) {
      scored = job.run(h.session(), rows);
    }
    try (AtomicOutput out = AtomicOutput.create(output)) {
      for (int i = 0; i < scored.size(); i++) {
        out.writeJsonLine(line(rows, i, scored.get(i)));
      }
      if (cacheDir.isPresent()) {
        CacheKey key = key(rows, options);
        new ReferenceLogProbCache(cacheDir.get()).store(key, entries(scored));
        System.out.println("cache " + new ReferenceLogProbCache(cacheDir.get()).fileFor(key));
      }
      out.commit();
    }
    System.out.printf(Locale.ROOT, "scored %d sequences%n", scored.size());
    return Main.EXIT_OK;
  }

  /** The output line, as the single-machine {@code logprobs} command writes it. */
  private static ObjectNode line(SequenceRows rows, int i, RefLogprobsJob.Scored s) {
    double sum = 0;
    for (double v : s.values()) {
      sum += v;
    }
    ObjectNode o = Jsonl.MAPPER.createObjectNode();
    o.set("id", rows.ids().get(i));
    var arr = o.putArray("token_logprobs");
    for (double v : s.values()) {
      arr.add(v);
    }
    o.put("sum", sum);
    o.put("mean", s.values().length == 0 ? 0.0 : sum / s.values().length);
    o.put("count", s.values().length);
    return o;
  }

  private CacheKey key(SequenceRows rows, LoadOptions options) {
    Digest data = new Digest();
    rows.tokens().forEach(data::ints);
    String compute = options.dtype().name().toLowerCase(Locale.ROOT) + "/"
        + options.device().name().toLowerCase(Locale.ROOT);
    return new CacheKey(new Digest().modelFolder(model).hex(), data.hex(), keyTokenizer, keyTemplate,
        maxLength.orElse(rows.longest()), compute);
  }

  private List<ReferenceLogProbs> entries(List<RefLogprobsJob.Scored> scored) {
    List<ReferenceLogProbs> out = new ArrayList<>(scored.size());
    for (RefLogprobsJob.Scored s : scored) {
      if (cacheTokens) {
        float[] t = new float[s.values().length];
        for (int i = 0; i < t.length; i++) {
          t[i] = (float) s.values()[i];
        }
        out.add(ReferenceLogProbs.ofTokens(s.sum(), t));
      } else {
        out.add(ReferenceLogProbs.ofSum(s.sum(), s.values().length));
      }
    }
    return out;
  }
}
