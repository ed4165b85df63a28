package dev.align4j.spark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Main;
import dev.align4j.core.Jsonl;
import dev.align4j.app.cli.Options;
import dev.align4j.core.BadInputException;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.text.ChatTemplate;
import dev.align4j.spark.SparkSessions;
import dev.align4j.spark.io.InputDataset;
import dev.align4j.spark.io.OutputDataset;
import dev.align4j.spark.jobs.RefLogprobsJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j spark ref-logprobs --model DIR --input IN --output OUT [--format parquet|jsonl] [--batch-size N]
 * [--chat-template T --max-length L]}: reference log-probs of a dataset on Spark ({@link RefLogprobsJob}). Writes
 * the rows as part files, the reference log-prob cache as part files under {@code OUT/reference_logprobs/} (keyed
 * exactly as a DPO run keys its cache) and {@code OUT/_manifest.json}. A DPO config with
 * {@code "reference_logprobs": ["OUT"]} reads them instead of computing.
 */
@Command(name = "ref-logprobs", mixinStandardHelpOptions = true,
    description = "Reference log-probs of a dataset on Spark, with the reference log-prob cache as part files.")
public final class SparkRefLogprobsCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Hugging Face model folder (a path every executor sees)")
  Path model;

  @Option(names = "--input", required = true, description = "JSONL file, folder of part files, glob, or Parquet")
  String input;

  @Option(names = "--output", required = true, description = "output folder (part files, reference_logprobs/, "
      + "_manifest.json), committed atomically")
  String output;

  @Mixin OutputFormatOption format;

  @Option(names = "--device", description = "cpu | gpu (default cpu)") String device = "cpu";

  @Option(names = "--dtype", description = "fp32 | fp16 | bf16 (fp16/bf16: GPU only)") String dtype = "fp32";

  @Option(names = "--batch-size", description = "sequences per forward pass; a DPO run's is 2 x per_device_batch_size "
      + "(default: ${DEFAULT-VALUE})")
  int batchSize = 8;

  @Option(names = "--chat-template", description = "preference rows (prompt/chosen/rejected, as the DPO recipes read "
      + "them), tokenized with the model folder's tokenizer and this template; without it rows are pre-tokenized")
  Optional<String> chatTemplate = Optional.empty();

  @Option(names = "--max-length", description = "the recipe's max_length (preference rows: required, truncates); "
      + "pre-tokenized rows: the cache key's (default: the longest row)")
  Optional<Integer> maxLength = Optional.empty();

  @Option(names = "--key-tokenizer", description = "pre-tokenized rows: the cache key's tokenizer (default: "
      + "${DEFAULT-VALUE})")
  String keyTokenizer = "none";

  @Option(names = "--key-template", description = "pre-tokenized rows: the cache key's template (default: "
      + "${DEFAULT-VALUE})")
  String keyTemplate = "none";

  @Option(names = "--cache-tokens", description = "store per-token values in the cache too (RL's per-token KL)")
  boolean cacheTokens;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() {
    // every option and path is checked before the session starts, as the single-machine logprobs checks them
    Options.atLeast("--batch-size", batchSize, 1);
    OutputDataset.Format outputFormat = format.format();
    LoadOptions load = Options.loadOptions(device, dtype);
    RefLogprobsJob job = new RefLogprobsJob(input, output, outputFormat, model.toAbsolutePath().toString(),
        load.device(), load.dtype(), batchSize, spark.partitions(), chatTemplate,
        maxLength.map(OptionalInt::of).orElse(OptionalInt.empty()), keyTokenizer, keyTemplate, cacheTokens);
    OutputDataset.requireUsable(output, "--output");
    if (!Files.isDirectory(model)) {
      throw BadInputException.option("--model", model + (Files.exists(model) ? " is not a directory"
          : ": no such folder"));
    }
    LlamaConfig.read(model.resolve("config.json"));
    if (chatTemplate.isPresent()) {
      if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
        throw BadInputException.option("--chat-template", "preference rows are tokenized with the model folder's "
            + "tokenizer, and " + model + " has no tokenizer.json");
      }
      try {
        ChatTemplate.resolve(chatTemplate.get(), model);
      } catch (InvalidConfigException e) {
        throw BadInputException.option("--chat-template", e.reason());
      }
    }
    InputDataset.requireExists(input);
    ObjectNode config = Jsonl.MAPPER.createObjectNode();
    config.put("model", model.toString());
    config.put("device", device);
    config.put("dtype", dtype);
    config.put("batch_size", batchSize);
    config.put("partitions", spark.partitions());
    chatTemplate.ifPresent(t -> config.put("chat_template", t));
    maxLength.ifPresent(l -> config.put("max_length", l));
    config.put("cache_tokens", cacheTokens);
    try (SparkSessions.Handle h = SparkSessions.open(spark.master(), "align4j ref-logprobs")) {
      RefLogprobsJob.Result r = job.run(h.session(), config);
      System.out.printf(Locale.ROOT, "scored %d %s -> %s (%s; cache key %s)%s on %s%n", r.rows(),
          chatTemplate.isPresent() ? "pairs" : "sequences", output, format.format().wireName(),
          r.key().digest().substring(0, 12), r.dropped() > 0 && chatTemplate.isPresent()
              ? ", " + r.dropped() + " pairs dropped (no completion token left)" : "",
          h.session().sparkContext().master());
    }
    return Main.EXIT_OK;
  }
}
