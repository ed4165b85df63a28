package dev.align4j.spark.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.spark.LineError;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A job's input: one file, a folder of part files (its files in name order; names starting with {@code _} or
 * {@code .} are skipped, as Hadoop does), or a glob, on any Hadoop file system the cluster reads. JSONL unless the
 * path ends in {@code .parquet} or every file does; Parquet rows become JSON objects.
 *
 * <p>Line numbers stay right however the input is split: a JSONL file is read in byte-range splits, so a first pass
 * ({@link Scan#validate}) counts each split's lines while it validates every row, and the driver turns the counts
 * (one number per partition) into each split's first line number for the second pass ({@link Scan#numbered}). An
 * error found in pass 1 is placed the same way, so the message names the file and its line exactly as the
 * single-machine command does. Parquet rows are numbered by their row index within their file.
 *
 * <p>Pass 1 also fingerprints the input: {@code digest = Σ SHA-256(file index, byte offset or row index, text) mod
 * 2^256} over all rows, which does not depend on how the input is split (it is a provenance fingerprint for the
 * manifest, not a commitment against adversarial collisions).
 */
public final class InputDataset implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String input;
  private final List<String> files;
  private final List<String> labels;
  private final boolean parquet;
  private final long bytes;

  private InputDataset(String input, List<String> files, List<String> labels, boolean parquet, long bytes) {
    this.input = input;
    this.files = List.copyOf(files);
    this.labels = List.copyOf(labels);
    this.parquet = parquet;
    this.bytes = bytes;
  }

  /** Fails with exit-2 bad input when {@code input} is a plain local path that does not exist (cheap, no session). */
  public static void requireExists(String input) {
    boolean uri = input.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    if (!uri && !input.contains("*") && !input.contains("?") && !Files.exists(java.nio.file.Path.of(input))) {
      throw new BadInputException(java.nio.file.Path.of(input), 0, null, "no such file");
    }
  }

  /** Lists the input's files (metadata only) with the session's Hadoop configuration. */
  public static InputDataset resolve(SparkSession spark, String input) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus[] matched = fs.globStatus(path);
      if (matched == null || matched.length == 0) {
        throw new BadInputException(java.nio.file.Path.of(input), 0, null, "no such file");
      }
      Arrays.sort(matched, Comparator.comparing(FileStatus::getPath));
      List<FileStatus> found = new ArrayList<>();
      for (FileStatus m : matched) {
        if (m.isDirectory()) {
          FileStatus[] children = fs.listStatus(m.getPath());
          Arrays.sort(children, Comparator.comparing(FileStatus::getPath));
          for (FileStatus c : children) {
            if (c.isFile() && !hidden(c.getPath().getName())) {
              found.add(c);
            }
          }
        } else if (!hidden(m.getPath().getName()) || matched.length == 1) {
          found.add(m);
        }
      }
      if (found.isEmpty()) {
        throw new BadInputException(java.nio.file.Path.of(input), 0, null,
            "no input files (a folder's files whose names start with '_' or '.' are skipped)");
      }
      boolean local = path.toUri().getScheme() == null;
      boolean single = found.size() == 1 && matched.length == 1 && !matched[0].isDirectory();
      List<String> uris = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      long total = 0;
      boolean allParquet = true;
      for (FileStatus f : found) {
        uris.add(f.getPath().toString());
        labels.add(single ? input : local ? f.getPath().toUri().getPath() : f.getPath().toString());
        total += f.getLen();
        allParquet &= f.getPath().getName().toLowerCase(Locale.ROOT).endsWith(".parquet");
      }
      boolean parquet = input.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".parquet") || allParquet;
      return new InputDataset(input, uris, labels, parquet, total);
    } catch (IOException e) {
      throw new BadInputException(java.nio.file.Path.of(input), 0, null, "cannot list: " + e.getMessage(), e);
    }
  }

  private static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  /** The input as given. */
  public String input() {
    return input;
  }

  /** How errors name each file, in file order. */
  public List<String> labels() {
    return labels;
  }

  /** Number of files. */
  public int fileCount() {
    return files.size();
  }

  /** Whether the rows come from Parquet. */
  public boolean parquet() {
    return parquet;
  }

  /** Total bytes of the input files. */
  public long bytes() {
    return bytes;
  }

  /**
   * Parses one row as {@link Jsonl#read} does, with the same messages; {@code null} for a blank line.
   *
   * @throws BadInputException on malformed JSON or a line that is not an object
   */
  public static JsonLine parse(java.nio.file.Path file, String text, long line) {
    int n = (int) Math.min(Integer.MAX_VALUE, line);
    if (text.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = Jsonl.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file, n, null, "malformed JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new BadInputException(file, n, null, "each line must be a JSON object");
    }
    return new JsonLine(file, n, obj);
  }

  /** A row before line numbering: {@code position} is the line's byte offset (JSONL) or its row index (Parquet). */
  record RawRow(int file, long position, String text) implements Serializable {}

  /** What pass 1 checks per row: throws {@code BadInputException} for a bad row, else returns a size to track. */
  @FunctionalInterface
  public interface RowCheck extends Serializable {
    /** Validates {@code line}; returns a size whose maximum is reported (e.g. its token count), or 0. */
    long check(JsonLine line);
  }

  /** The rows of this dataset in at least {@code minPartitions} partitions (not read until an action runs). */
  public Scan scan(SparkSession spark, int minPartitions) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      index.put(new Path(files.get(i)).toUri().getPath(), i);
    }
    if (parquet) {
      Dataset<Row> df = spark.read().parquet(files.toArray(String[]::new));
      Column json = functions.to_json(functions.struct(
          Arrays.stream(df.columns()).map(functions::col).toArray(Column[]::new)));
      JavaRDD<RawRow> raw = df.select(json.as("text"), functions.col("_metadata.file_path").as("f"),
              functions.col("_metadata.row_index").as("r"))
          .orderBy("f", "r")
          .javaRDD()
          .map(r -> new RawRow(index.get(URI.create(r.getString(1)).getPath()), r.getLong(2), r.getString(0)));
      return new Scan(raw, true, labels);
    }
    try {
      Job job = Job.getInstance(new Configuration(spark.sparkContext().hadoopConfiguration()));
      FileInputFormat.setInputPaths(job, files.stream().map(Path::new).toArray(Path[]::new));
      long maxSplit = Math.max(1, (bytes + minPartitions - 1) / Math.max(1, minPartitions));
      job.getConfiguration().setLong(FileInputFormat.SPLIT_MAXSIZE, maxSplit);
      JavaNewHadoopRDD<LongWritable, Text> lines = (JavaNewHadoopRDD<LongWritable, Text>)
          JavaSparkContext.fromSparkContext(spark.sparkContext()).newAPIHadoopRDD(job.getConfiguration(),
              TextInputFormat.class, LongWritable.class, Text.class);
      JavaRDD<RawRow> raw = lines.mapPartitionsWithInputSplit((split, it) -> {
        int file = index.get(((FileSplit) split).getPath().toUri().getPath());
        return new Iterator<RawRow>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public RawRow next() {
            var t = it.next(); // Hadoop reuses both objects: copy now
            return new RawRow(file, t._1().get(), t._2().toString());
          }
        };
      }, true);
      return new Scan(raw, false, labels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pass 1's result: row counts, the input digest and each partition's first line number. */
  public record Checked(long rows, long nonBlank, long maxSize, String digest, long[] firstLine) implements Serializable {}

  /** One partition's pass-1 summary. */
  record PartSummary(int file, long count, long nonBlank, long maxSize, byte[] digest, int errorFile,
      long errorIndex, long errorPosition, LineError error) implements Serializable {}

  /** The rows of a dataset, read once to validate ({@link #validate}) and again to work ({@link #numbered}). */
  public static final class Scan implements Serializable {
    private static final long serialVersionUID = 1L;
    private final JavaRDD<RawRow> raw;
    private final boolean parquet;
    private final List<String> labels;

    Scan(JavaRDD<RawRow> raw, boolean parquet, List<String> labels) {
      this.raw = raw;
      this.parquet = parquet;
      this.labels = labels;
    }

    /** Number of partitions. */
    public int partitions() {
      return raw.getNumPartitions();
    }

    /**
     * Pass 1: parses and checks every row on the executors, counting lines per partition.
     *
     * @throws BadInputException for the first bad row (by file, then line), as the single-machine command would
     */
    public Checked validate(RowCheck check) {
      List<PartSummary> parts = raw.mapPartitions(it -> List.of(summarize(it, check)).iterator(), true).collect();
      long[] firstLine = new long[parts.size()];
      Map<Integer, Long> linesSoFar = new HashMap<>();
      long rows = 0;
      long nonBlank = 0;
      long maxSize = 0;
      BigInteger digest = BigInteger.ZERO;
      BadInputException first = null;
      long firstFile = Long.MAX_VALUE;
      long firstLineNo = Long.MAX_VALUE;
      for (int p = 0; p < parts.size(); p++) {
        PartSummary s = parts.get(p);
        long base = s.file() < 0 ? 0 : linesSoFar.getOrDefault(s.file(), 0L);
        firstLine[p] = base + 1;
        if (s.file() >= 0) {
          linesSoFar.put(s.file(), base + s.count());
        }
        rows += s.count();
        nonBlank += s.nonBlank();
        maxSize = Math.max(maxSize, s.maxSize());
        digest = digest.add(new BigInteger(1, s.digest()));
        if (s.error() != null) {
          long line = parquet ? s.errorPosition() + 1 : base + s.errorIndex() + 1;
          if (s.errorFile() < firstFile || (s.errorFile() == firstFile && line < firstLineNo)) {
            firstFile = s.errorFile();
            firstLineNo = line;
            LineError e = new LineError(line, s.error().field(), s.error().message());
            first = e.toException(java.nio.file.Path.of(labels.get(s.errorFile())));
          }
        }
      }
      if (first != null) {
        throw first;
      }
      byte[] sum = digest.mod(BigInteger.ONE.shiftLeft(256)).toByteArray();
      byte[] fixed = new byte[32];
      int n = Math.min(32, sum.length);
      System.arraycopy(sum, sum.length - n, fixed, 32 - n, n);
      return new Checked(rows, nonBlank, maxSize, HexFormat.of().formatHex(fixed), firstLine);
    }

    /** Pass 2: the rows with their line numbers (blank lines included), in input order. */
    public JavaRDD<InputRow> numbered(Checked checked) {
      long[] firstLine = checked.firstLine();
      boolean byRow = parquet;
      return raw.mapPartitionsWithIndex((p, it) -> new Iterator<InputRow>() {
        long next = firstLine[p];

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public InputRow next() {
          RawRow r = it.next();
          return new InputRow(r.file(), byRow ? r.position() + 1 : next++, r.text());
        }
      }, true);
    }

    private static PartSummary summarize(Iterator<RawRow> rows, RowCheck check) {
      MessageDigest sha = sha256();
      BigInteger sum = BigInteger.ZERO;
      int file = -1;
      long count = 0;
      long nonBlank = 0;
      long maxSize = 0;
      LineError error = null;
      int errorFile = -1;
      long errorIndex = -1;
      long errorPosition = -1;
      java.nio.file.Path anywhere = java.nio.file.Path.of("input");
      while (rows.hasNext()) {
        RawRow r = rows.next();
        if (file < 0) {
          file = r.file();
        }
        sha.update(ByteBuffer.allocate(12).putInt(r.file()).putLong(r.position()).array());
        sum = sum.add(new BigInteger(1, sha.digest(r.text().getBytes(StandardCharsets.UTF_8))));
        if (error == null) {
          try {
            JsonLine line = parse(anywhere, r.text(), count + 1);
            if (line != null) {
              nonBlank++;
              maxSize = Math.max(maxSize, check.check(line));
            }
          } catch (BadInputException e) {
            error = LineError.of(e);
            errorFile = r.file();
            errorIndex = count;
            errorPosition = r.position();
          }
        }
        count++;
      }
      byte[] bytes = sum.mod(BigInteger.ONE.shiftLeft(256)).toByteArray();
      return new PartSummary(file, count, nonBlank, maxSize, bytes, errorFile, errorIndex, errorPosition, error);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
