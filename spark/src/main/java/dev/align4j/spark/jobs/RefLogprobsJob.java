package dev.align4j.spark.jobs;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Options;
import dev.align4j.app.cli.ScoringRow;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.PreferenceExample;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.ReferenceScores;
import dev.align4j.policies.cache.CacheKey;
import dev.align4j.policies.cache.Digest;
import dev.align4j.policies.cache.ReferenceLogProbCache;
import dev.align4j.policies.cache.ReferenceLogProbParts;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.policies.llama.ComputeDevice;
import dev.align4j.policies.llama.ComputeDtype;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.llama.MemoryEstimate;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.TokenizedChat;
import dev.align4j.policies.text.Truncation;
import dev.align4j.spark.io.InputDataset;
import dev.align4j.spark.io.InputRow;
import dev.align4j.spark.io.JsonRows;
import dev.align4j.spark.io.OutputDataset;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Reference log-probs of a dataset on Spark, written by the executors as a partitioned output plus the reference
 * log-prob cache as part files ({@link ReferenceLogProbParts}) that a DPO run reads directly.
 *
 * <p>Two kinds of input rows:
 *
 * <ul>
 *   <li>pre-tokenized {@code {"id", "tokens": [int], "completion_start": k}} (the {@code logprobs} command's rows,
 *       same checks and messages); output rows {@code {"id", "token_logprobs", "sum", "mean", "count"}} as
 *       {@code logprobs} writes them, right-padded with 0 in batches of {@code --batch-size} consecutive rows;
 *   <li>with {@code chatTemplate}: preference rows in the layouts the DPO recipes read ({@link PreferenceExample}),
 *       tokenized on the executors by {@link Encoding#preference} with the recipe's tokenizer, template and
 *       {@code max_length} (pairs the recipe drops are dropped), scored as {@link ReferenceScores#score} scores them
 *       (chosen₀, rejected₀, chosen₁, … in batches of {@code --batch-size} = 2 × per_device_batch_size, padded
 *       with EOS); output rows {@code {"id", "line", "chosen_sum", "chosen_count", "rejected_sum",
 *       "rejected_count"}}, one per kept pair.
 * </ul>
 *
 * <p>The cache key is the single-machine one ({@code ReferenceScores}): weights = {@code Digest().modelFolder(DIR)},
 * data = {@code Digest().ints(ids)} over every scored sequence in order, tokenizer and template = the encoder's
 * {@code fingerprint()}/{@code identity()} (pre-tokenized rows: {@code --key-tokenizer}/{@code --key-template}),
 * max length, compute = {@code "<dtype>/<device>"}. The data digest is one SHA-256 over all token ids in order, so
 * the driver streams the (already tokenized, persisted) ids partition by partition to compute it: 4 bytes per
 * token pass through the driver, never a result row.
 *
 * <p>Rows are cut into the same fixed batches as on one machine (sequence {@code s} is in batch
 * {@code s / batchSize}, so padding, and hence every float, is the same); contiguous ranges of whole batches go to
 * each partition (a range partitioner over the sequence index, then a sort within each partition), and each
 * partition loads the model once.
 *
 * @param input the dataset (any Hadoop URI)
 * @param output the output folder (any Hadoop URI)
 * @param format Parquet or JSONL part files
 * @param modelDir the Hugging Face model folder (a path every executor sees)
 * @param device where executors compute
 * @param dtype precision
 * @param batchSize sequences per forward pass
 * @param partitions partitions (model loads) at most
 * @param chatTemplate the recipe's template for preference rows; empty for pre-tokenized rows
 * @param maxLength the recipe's max_length (preference rows: required, truncates); pre-tokenized: the key's
 * @param keyTokenizer key field for pre-tokenized rows
 * @param keyTemplate key field for pre-tokenized rows
 * @param cacheTokens store per-token values in the cache too (pre-tokenized rows only)
 */
public record RefLogprobsJob(String input, String output, OutputDataset.Format format, String modelDir,
    ComputeDevice device, ComputeDtype dtype, int batchSize, int partitions, Optional<String> chatTemplate,
    OptionalInt maxLength, String keyTokenizer, String keyTemplate, boolean cacheTokens) {

  /** Checks the options; each failure is bad input naming the option (exit 2). */
  public RefLogprobsJob {
    Options.atLeast("--batch-size", batchSize, 1);
    Options.atLeast("--partitions", partitions, 1);
    if (maxLength.isPresent()) {
      Options.atLeast("--max-length", maxLength.getAsInt(), chatTemplate.isPresent() ? 2 : 1);
    }
    if (chatTemplate.isPresent()) {
      if (maxLength.isEmpty()) {
        throw BadInputException.option("--max-length", "required with --chat-template (the recipe's max_length)");
      }
      if (batchSize % 2 != 0) {
        throw BadInputException.option("--batch-size", "must be even with --chat-template (the recipe's 2 x "
            + "per_device_batch_size), got " + batchSize);
      }
      if (cacheTokens) {
        throw BadInputException.option("--cache-tokens", "applies to pre-tokenized rows only (a DPO run stores sums)");
      }
    }
  }

  /**
   * What a run wrote.
   *
   * @param rows output rows (sequences, or kept pairs)
   * @param dropped preference pairs dropped by truncation
   * @param key the cache key of the part files
   * @param inputRows input lines (blank ones included)
   */
  public record Result(long rows, long dropped, CacheKey key, long inputRows) {}

  /** One parsed input row: its sequences (1, or chosen and rejected), and whether the recipe keeps it. */
  record Item(String id, long line, int[][] ids, boolean[][] masks, int start, boolean kept) implements Serializable {}

  /** One sequence with its global index among the scored sequences. */
  record Seq(long index, String id, long line, int[] ids, boolean[] mask, int start) implements Serializable {}

  /** One scored sequence: per-token values (pre-tokenized rows), the scorer's float32 sum and the token count. */
  record Scored(long index, String id, long line, double[] values, double sum, int count) implements Serializable {}

  /** Runs the job; {@code config} (the command's flags) goes into the manifest. */
  public Result run(SparkSession spark, ObjectNode config) {
    Path model = Path.of(modelDir);
    LlamaConfig modelConfig = LlamaConfig.read(model.resolve("config.json"));
    boolean text = chatTemplate.isPresent();
    String tokenizerId = keyTokenizer;
    String templateId = keyTemplate;
    int pad = 0;
    if (text) {
      ChatEncoder encoder = PolicyModel.encoder(model, chatTemplate.get());
      try {
        tokenizerId = encoder.tokenizer().fingerprint();
        templateId = encoder.template().identity();
        pad = PolicyModel.padId(encoder.tokenizer());
      } finally {
        encoder.tokenizer().close();
      }
    }
    InputDataset in = InputDataset.resolve(spark, input);
    List<String> labels = in.labels();
    String dir = modelDir;
    String template = chatTemplate.orElse(null);
    int maxLen = maxLength.orElse(Integer.MAX_VALUE);
    int per = text ? 2 : 1;
    try (OutputDataset out = OutputDataset.begin(spark, output)) {
      InputDataset.Scan scan = in.scan(spark, partitions);
      // ids unique as the single-machine readers want them (logprobs: required; DPO's preference files: optional)
      InputDataset.Checked checked = scan.validate(text ? line -> {
        PreferenceExample.parse(line);
        if (line.has("id")) {
          line.id();
        }
        return 0;
      } : new TokenRowCheck(modelConfig, batchSize, dtype.dataType().getNumOfBytes()), true);
      JavaRDD<Item> items = scan.numbered(checked)
          .mapPartitions(it -> encode(labels, dir, template, maxLen, it))
          .persist(StorageLevel.MEMORY_AND_DISK_SER());
      JavaPairRDD<Item, Long> kept = items.filter(Item::kept).zipWithIndex();

      Digest data = new Digest();
      long pairs = 0;
      // only the token ids travel, one partition at a time
      for (Iterator<int[][]> it = kept.keys().map(Item::ids).toLocalIterator(); it.hasNext(); pairs++) {
        for (int[] ids : it.next()) {
          data.ints(ids);
        }
      }
      long sequences = pairs * per;
      int keyMax = text ? maxLen : maxLength.orElse((int) Math.max(1, checked.maxSize()));
      String compute = new LoadOptions(device, dtype).cacheCompute(); // the training run's key, by one rule
      CacheKey key = new CacheKey(new Digest().modelFolder(model).hex(), data.hex(), tokenizerId, templateId, keyMax,
          compute);

      long batches = (sequences + batchSize - 1) / batchSize;
      int slices = (int) Math.max(1, Math.min(partitions, batches));
      JavaPairRDD<Long, Seq> seqs = kept.flatMapToPair(t -> {
        List<Tuple2<Long, Seq>> out2 = new ArrayList<>(per);
        Item item = t._1();
        for (int j = 0; j < item.ids().length; j++) {
          long s = t._2() * per + j;
          out2.add(new Tuple2<>(s, new Seq(s, item.id(), item.line(), item.ids()[j],
              item.masks() == null ? null : item.masks()[j], item.start())));
        }
        return out2.iterator();
      });
      ComputeDevice dev = device;
      ComputeDtype dt = dtype;
      int b = batchSize;
      int padId = pad;
      JavaRDD<Scored> scored = seqs.repartitionAndSortWithinPartitions(new BatchRanges(slices, batches, b))
          .mapPartitions(it -> score(dir, dev, dt, text, padId, b, it))
          .persist(StorageLevel.MEMORY_AND_DISK_SER());

      StructType schema = text ? pairSchema() : sequenceSchema();
      JavaRDD<ObjectNode> rows = text ? scored.mapPartitions(RefLogprobsJob::pairRows) : scored.map(RefLogprobsJob::row);
      if (format == OutputDataset.Format.JSONL) {
        out.writeJsonl(rows.map(RefLogprobsJob::json));
      } else {
        out.writeParquet(spark, rows.map(o -> JsonRows.toRow(o, schema)), schema);
      }

      String partsDir = out.temp() + "/reference_logprobs";
      String digest = key.digest();
      boolean tokens = cacheTokens;
      List<Long> counts = scored.mapPartitionsWithIndex(
          (p, it) -> List.of(writePart(partsDir, p, digest, tokens, it)).iterator(), true).collect();
      long[] perPart = counts.stream().mapToLong(Long::longValue).toArray();
      out.writeText("reference_logprobs/" + ReferenceLogProbParts.INDEX, ReferenceLogProbParts.index(key, perPart));
      scored.unpersist(false);
      items.unpersist(false);

      long rowCount = text ? pairs : sequences;
      long dropped = checked.nonBlank() - pairs;
      out.commit(manifest(spark, in, checked, scan.partitions(), schema, rowCount, dropped, key, sequences,
          perPart.length, config));
      return new Result(rowCount, dropped, key, checked.rows());
    }
  }

  private ObjectNode manifest(SparkSession spark, InputDataset in, InputDataset.Checked checked, int inputParts,
      StructType schema, long rows, long dropped, CacheKey key, long sequences, int parts, ObjectNode config) {
    ObjectNode m = OutputDataset.manifest(spark, "ref-logprobs", format, rows, schema, in, checked, inputParts,
        config);
    ObjectNode source = (ObjectNode) m.get("input");
    source.put("layout", chatTemplate.isPresent() ? "preference" : "tokens");
    if (chatTemplate.isPresent()) {
      source.put("dropped_pairs", dropped);
    }
    ObjectNode cache = m.putObject("reference_logprobs");
    cache.put("dir", "reference_logprobs");
    cache.put("digest", key.digest());
    cache.put("sequences", sequences);
    cache.put("parts", parts);
    cache.set("key", ReferenceLogProbParts.keyJson(key));
    ((ObjectNode) m.get("spark")).put("score_partitions", parts);
    return m;
  }

  /** Parses (and, for preference rows, tokenizes) one partition's rows; blank lines are skipped. */
  private static Iterator<Item> encode(List<String> labels, String dir, String template, int maxLength,
      Iterator<InputRow> rows) {
    List<Item> out = new ArrayList<>();
    ChatEncoder encoder = template == null ? null : PolicyModel.encoder(Path.of(dir), template);
    try {
      while (rows.hasNext()) {
        InputRow r = rows.next();
        JsonLine line = InputDataset.parse(Path.of(labels.get(r.file())), r.bytes(), r.line());
        if (line == null) {
          continue;
        }
        String id = line.node().has("id") ? line.node().get("id").toString() : "null";
        if (encoder == null) {
          ScoringRow row = ScoringRow.parseTokens(line);
          out.add(new Item(id, r.line(), new int[][] {row.tokens()}, null, row.completionStart(), true));
          continue;
        }
        Optional<EncodedPair> pair = Encoding.preference(PreferenceExample.parse(line), encoder, maxLength);
        if (pair.isEmpty()) {
          out.add(new Item(id, r.line(), new int[0][], null, 0, false));
        } else {
          TokenizedChat c = pair.get().chosen();
          TokenizedChat j = pair.get().rejected();
          out.add(new Item(id, r.line(), new int[][] {c.ids(), j.ids()}, new boolean[][] {c.lossMask(), j.lossMask()},
              0, true));
        }
      }
    } finally {
      if (encoder != null) {
        encoder.tokenizer().close();
      }
    }
    return out.iterator();
  }

  /**
   * Pass-1 check of a pre-tokenized row, in the single-machine {@code logprobs} order and with its messages: the id,
   * the fields ({@link ScoringRow#parseTokens}), token ids against the vocabulary, then length and memory
   * ({@link ScoringRow#checkFits}) for batches of {@code --batch-size}. Executors do not have the model's config:
   * they compare the length with the longest row that fits, computed here on the driver (the estimate grows with the
   * length), and the driver checks a row that is too long again with the config for the exact message.
   */
  static final class TokenRowCheck implements InputDataset.RowCheck {
    private static final long serialVersionUID = 1L;
    private final int vocab;
    private final int longest;
    private final int batchSize;
    private final int bytesPerElement;
    private final transient LlamaConfig config; // on the driver only

    TokenRowCheck(LlamaConfig config, int batchSize, int bytesPerElement) {
      this.config = config;
      this.vocab = config.vocabSize();
      this.batchSize = batchSize;
      this.bytesPerElement = bytesPerElement;
      this.longest = longestThatFits(config, batchSize, bytesPerElement);
    }

    @Override
    public long check(JsonLine line) {
      line.id();
      if (!line.has("tokens")) {
        throw line.error("tokens", "missing (spark ref-logprobs scores pre-tokenized rows {\"id\", \"tokens\", "
            + "\"completion_start\"}, or preference rows with --chat-template; tokenize text with the "
            + "single-machine logprobs command's rules first)");
      }
      ScoringRow row = ScoringRow.parseTokens(line);
      row.checkIds(vocab);
      if (row.tokens().length > longest) {
        if (config != null) {
          row.checkFits(config, batchSize, bytesPerElement);
        }
        throw line.error("tokens", row.tokens().length + " tokens: longer than the longest row that fits ("
            + longest + ")");
      }
      return row.tokens().length;
    }

    /** The largest length {@link ScoringRow#checkFits} accepts (0 if none): a binary search, as it is monotone. */
    static int longestThatFits(LlamaConfig c, int batchSize, int bytesPerElement) {
      int lo = 0;
      int hi = c.maxPositionEmbeddings();
      while (lo < hi) {
        int mid = (int) (((long) lo + hi + 1) / 2);
        if (MemoryEstimate.forward(c, 1, mid, false, bytesPerElement).fits()
            && MemoryEstimate.forward(c, batchSize, mid, false, bytesPerElement).fits()) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      return lo;
    }
  }

  /** Scores one partition's whole batches with one model load. */
  private static Iterator<Scored> score(String dir, ComputeDevice device, ComputeDtype dtype, boolean text, int pad,
      int batchSize, Iterator<Tuple2<Long, Seq>> seqs) {
    List<Scored> out = new ArrayList<>();
    if (!seqs.hasNext()) {
      return out.iterator();
    }
    System.setProperty("ai.djl.offline", "true"); // an executor never downloads an engine
    try (LlamaModel model = LlamaModel.load(Path.of(dir), new LoadOptions(device, dtype))) {
      List<Seq> batch = new ArrayList<>(batchSize);
      long current = -1;
      while (seqs.hasNext()) {
        Seq s = seqs.next()._2();
        if (s.index() / batchSize != current && !batch.isEmpty()) {
          scoreBatch(model, text, pad, batchSize, batch, out);
          batch.clear();
        }
        current = s.index() / batchSize;
        batch.add(s);
      }
      scoreBatch(model, text, pad, batchSize, batch, out);
    }
    return out.iterator();
  }

  private static void scoreBatch(LlamaModel model, boolean text, int pad, int batchSize, List<Seq> batch,
      List<Scored> out) {
    if (text) {
      List<TokenizedChat> chats = new ArrayList<>(batch.size());
      for (Seq s : batch) {
        chats.add(new TokenizedChat(s.ids(), s.mask(), Truncation.none(s.ids().length)));
      }
      List<ReferenceLogProbs> scored = ReferenceScores.score(model, pad, chats, batchSize);
      for (int i = 0; i < batch.size(); i++) {
        Seq s = batch.get(i);
        out.add(new Scored(s.index(), s.id(), s.line(), new double[0], scored.get(i).sum(),
            scored.get(i).tokenCount()));
      }
      return;
    }
    List<int[]> tokens = new ArrayList<>(batch.size());
    int[] starts = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      tokens.add(batch.get(i).ids());
      starts[i] = batch.get(i).start();
    }
    SequenceBatch sb = SequenceBatch.rightPadded(tokens, starts, 0); // as the logprobs command pads
    try (NDManager step = model.manager().newSubManager()) {
      BatchLogProbs lp = TokenLogProbs.compute(model, sb, step);
      float[] sums = lp.sums().toFloatArray(); // [b]
      for (int i = 0; i < batch.size(); i++) {
        double[] values = lp.scored(sb, i);
        Seq s = batch.get(i);
        out.add(new Scored(s.index(), s.id(), s.line(), values, sums[i], values.length));
      }
    }
  }

  /** Writes partition {@code p}'s entries as part {@code p}; a task attempt writes aside and renames. */
  private static long writePart(String partsDir, int p, String digest, boolean tokens, Iterator<Scored> it)
      throws IOException {
    List<ReferenceLogProbs> values = new ArrayList<>();
    while (it.hasNext()) {
      Scored s = it.next();
      if (tokens) {
        float[] t = new float[s.values().length];
        for (int i = 0; i < t.length; i++) {
          t[i] = (float) s.values()[i];
        }
        values.add(ReferenceLogProbs.ofTokens(s.sum(), t));
      } else {
        values.add(ReferenceLogProbs.ofSum(s.sum(), s.count()));
      }
    }
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(partsDir, ReferenceLogProbParts.partName(p));
    TaskContext task = TaskContext.get();
    org.apache.hadoop.fs.Path attempt = new org.apache.hadoop.fs.Path(partsDir,
        "." + target.getName() + ".attempt-" + (task == null ? 0 : task.taskAttemptId()));
    FileSystem fs = target.getFileSystem(new Configuration());
    try (OutputStream o = fs.create(attempt, true)) {
      ReferenceLogProbCache.write(o, digest, values);
    }
    if (!fs.rename(attempt, target)) {
      fs.delete(attempt, false);
      if (!fs.exists(target)) {
        throw new IOException("cannot rename " + attempt + " to " + target);
      }
      // another attempt of this task committed the same (deterministic) part first
    }
    return values.size();
  }

  private static StructType sequenceSchema() {
    return DataTypes.createStructType(List.of(JsonRows.field("id", DataTypes.StringType),
        JsonRows.field("token_logprobs", DataTypes.createArrayType(DataTypes.DoubleType)),
        JsonRows.field("sum", DataTypes.DoubleType), JsonRows.field("mean", DataTypes.DoubleType),
        JsonRows.field("count", DataTypes.IntegerType)));
  }

  private static StructType pairSchema() {
    return DataTypes.createStructType(List.of(JsonRows.field("id", DataTypes.StringType),
        JsonRows.field("line", DataTypes.LongType),
        JsonRows.field("chosen_sum", DataTypes.DoubleType), JsonRows.field("chosen_count", DataTypes.IntegerType),
        JsonRows.field("rejected_sum", DataTypes.DoubleType), JsonRows.field("rejected_count", DataTypes.IntegerType)));
  }

  /** The output row of a pre-tokenized sequence, as the single-machine {@code logprobs} command writes it. */
  private static ObjectNode row(Scored s) throws JsonProcessingException {
    return dev.align4j.app.cli.LogprobsCommand.row(Jsonl.MAPPER.readTree(s.id()), s.values());
  }

  /** One row per pair: consecutive (chosen, rejected) sequences of a partition (batches never split a pair). */
  private static Iterator<ObjectNode> pairRows(Iterator<Scored> it) throws JsonProcessingException {
    List<ObjectNode> out = new ArrayList<>();
    while (it.hasNext()) {
      Scored c = it.next();
      Scored r = it.next();
      ObjectNode o = Jsonl.MAPPER.createObjectNode();
      o.set("id", Jsonl.MAPPER.readTree(c.id()));
      o.put("line", c.line());
      o.put("chosen_sum", c.sum());
      o.put("chosen_count", c.count());
      o.put("rejected_sum", r.sum());
      o.put("rejected_count", r.count());
      out.add(o);
    }
    return out.iterator();
  }

  private static String json(ObjectNode o) {
    try {
      return Jsonl.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends sequence {@code s} to the partition of its batch {@code s / batchSize}: contiguous ranges of batches. */
  static final class BatchRanges extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int parts;
    private final long batches;
    private final int batchSize;

    BatchRanges(int parts, long batches, int batchSize) {
      this.parts = parts;
      this.batches = Math.max(1, batches);
      this.batchSize = batchSize;
    }

    @Override
    public int numPartitions() {
      return parts;
    }

    @Override
    public int getPartition(Object key) {
      long batch = (Long) key / batchSize;
      return (int) Math.min(parts - 1, batch * parts / batches);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BatchRanges r && r.parts == parts && r.batches == batches && r.batchSize == batchSize;
    }

    @Override
    public int hashCode() {
      return parts * 31 + batchSize;
    }
  }
}
