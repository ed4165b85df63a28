package dev.align4j.spark.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
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
import scala.Tuple2;

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
 * <p>Rows travel as bytes and are decoded by {@link #parse} with the single-machine reader's rules ({@link Jsonl}):
 * strict UTF-8 with the bad line and byte named (Hadoop's {@code Text.toString()}, like Spark's {@code textFile},
 * would have replaced bad bytes with U+FFFD silently), a byte order mark accepted at the start of a file, strict
 * JSON (duplicate keys are errors). Repeated {@code id}s are found across partitions and files with their first
 * line ({@link Scan#validate}).
 *
 * <p>Pass 1 also fingerprints the input: {@code digest = Σ SHA-256(file index, byte offset or row index, bytes) mod
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

  /** UTF-8's byte order mark. */
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

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
   * Parses one row as {@link Jsonl#read} does, with the same rules and messages: strict UTF-8 (the bad byte named),
   * a byte order mark skipped on line 1, strict JSON, an object per line; {@code null} for a blank line.
   *
   * @throws BadInputException on bytes that are not UTF-8, malformed JSON or a line that is not an object
   */
  public static JsonLine parse(java.nio.file.Path file, byte[] bytes, long line) {
    int n = (int) Math.min(Integer.MAX_VALUE, line);
    return Jsonl.parseLine(file, n, Jsonl.decode(file, n, bytes, bytes.length));
  }

  /**
   * A row before line numbering: {@code position} is the line's byte offset (JSONL) or its row index (Parquet);
   * {@code bytes} are the line's bytes as stored (Hadoop's reader drops a UTF-8 byte order mark at offset 0).
   */
  record RawRow(int file, long position, byte[] bytes) implements Serializable {}

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
          .map(r -> new RawRow(index.get(URI.create(r.getString(1)).getPath()), r.getLong(2),
              r.getString(0).getBytes(StandardCharsets.UTF_8)));
      return new Scan(raw, true, files, labels);
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
            var t = it.next(); // Hadoop reuses both objects: copy the valid bytes now (never Text.toString(),
            // which would turn bytes that are not UTF-8 into U+FFFD silently)
            return new RawRow(file, t._1().get(), Arrays.copyOf(t._2().getBytes(), t._2().getLength()));
          }
        };
      }, true);
      return new Scan(raw, false, files, labels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pass 1's result: row counts, the input digest and each partition's first line number. */
  public record Checked(long rows, long nonBlank, long maxSize, String digest, long[] firstLine) implements Serializable {}

  /**
   * The first bad row a partition found: where it is (partition-relative {@code index}, and its {@code position}),
   * its bytes (so the driver can check it again with its real line number) and what was wrong.
   */
  record BadRow(int file, long index, long position, byte[] bytes, LineError error) implements Serializable {}

  /**
   * One partition's pass-1 summary: {@code syntax} is its first row that does not decode or parse (the
   * single-machine readers reject those before checking any field), {@code field} its first row that parses but
   * fails the check.
   */
  record PartSummary(int file, long count, long nonBlank, long maxSize, byte[] digest, BadRow syntax, BadRow field)
      implements Serializable {}

  /** Where a row is: file index, then line number; orders rows as the input does. */
  record At(int file, long line) implements Serializable, Comparable<At> {
    @Override
    public int compareTo(At o) {
      return file != o.file ? Integer.compare(file, o.file) : Long.compare(line, o.line);
    }
  }

  /** A repeated id: where it occurs again ({@code second}) and where first ({@code first}), as JSON text. */
  record Duplicate(At second, At first, String id) implements Serializable {}

  /** Orders repeated ids by their second occurrence. */
  private static final class BySecond implements Comparator<Duplicate>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Duplicate a, Duplicate b) {
      return a.second().compareTo(b.second());
    }
  }

  /** The rows of a dataset, read once to validate ({@link #validate}) and again to work ({@link #numbered}). */
  public static final class Scan implements Serializable {
    private static final long serialVersionUID = 1L;
    private final JavaRDD<RawRow> raw;
    private final boolean parquet;
    private final List<String> files;
    private final List<String> labels;

    Scan(JavaRDD<RawRow> raw, boolean parquet, List<String> files, List<String> labels) {
      this.raw = raw;
      this.parquet = parquet;
      this.files = files;
      this.labels = labels;
    }

    /** Number of partitions. */
    public int partitions() {
      return raw.getNumPartitions();
    }

    /**
     * Pass 1: decodes, parses and checks every row on the executors, counting lines per partition; with
     * {@code uniqueIds}, a further pass finds repeated {@code id}s (rows without one are not compared). Reports what
     * the single-machine readers report, with the same message: first the first row (by file, then line) that is
     * not UTF-8 or not a JSON object, as {@link Jsonl#read} reads a whole file before any field is looked at; else
     * the first row that fails {@code check} or repeats an earlier row's id ({@link UniqueIds}'s message; on one line,
     * the check's error first, as the single-machine loops check a line's fields before its id's uniqueness). The
     * failing row is checked again on the driver with its real line number, so a message that depends on it comes
     * out exactly.
     *
     * @throws BadInputException for that row
     */
    public Checked validate(RowCheck check, boolean uniqueIds) {
      List<PartSummary> parts = raw.mapPartitions(it -> List.of(summarize(it, check)).iterator(), true).collect();
      long[] firstLine = new long[parts.size()];
      Map<Integer, Long> linesSoFar = new HashMap<>();
      long rows = 0;
      long nonBlank = 0;
      long maxSize = 0;
      BigInteger digest = BigInteger.ZERO;
      BadRow syntax = null;
      At syntaxAt = null;
      BadRow field = null;
      At fieldAt = null;
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
        if (s.syntax() != null) {
          At at = at(s.syntax(), base);
          if (syntaxAt == null || at.compareTo(syntaxAt) < 0) {
            syntax = s.syntax();
            syntaxAt = at;
          }
        }
        if (s.field() != null) {
          At at = at(s.field(), base);
          if (fieldAt == null || at.compareTo(fieldAt) < 0) {
            field = s.field();
            fieldAt = at;
          }
        }
      }
      if (syntax != null) {
        throw recheck(syntax, syntaxAt, null);
      }
      byte[] sum = digest.mod(BigInteger.ONE.shiftLeft(256)).toByteArray();
      byte[] fixed = new byte[32];
      int n = Math.min(32, sum.length);
      System.arraycopy(sum, sum.length - n, fixed, 32 - n, n);
      Checked checked = new Checked(rows, nonBlank, maxSize, HexFormat.of().formatHex(fixed), firstLine);
      // a repeated id needs an earlier line with it: nothing can come before a field error on line 1 or 2 of file 0
      boolean idsMayMatter = fieldAt == null || fieldAt.compareTo(new At(0, 2)) > 0;
      Duplicate duplicate = uniqueIds && idsMayMatter ? firstDuplicate(checked) : null;
      if (duplicate != null && (fieldAt == null || duplicate.second().compareTo(fieldAt) < 0)) {
        throw duplicateError(duplicate);
      }
      if (field != null) {
        throw recheck(field, fieldAt, check);
      }
      return checked;
    }

    private At at(BadRow r, long base) {
      return new At(r.file(), parquet ? r.position() + 1 : base + r.index() + 1);
    }

    /**
     * The exception for a row an executor found bad, from checking it again here with its real file name and line
     * number (and, on line 1 of a JSONL file, the byte order mark Hadoop's reader dropped, so that a byte offset in
     * the message counts it as the single-machine reader does).
     */
    private BadInputException recheck(BadRow bad, At at, RowCheck check) {
      java.nio.file.Path file = java.nio.file.Path.of(labels.get(at.file()));
      byte[] bytes = bad.bytes();
      if (!parquet && at.line() == 1 && !startsWithBom(bytes) && startsWithBom(head(files.get(at.file())))) {
        byte[] with = new byte[bytes.length + BOM.length];
        System.arraycopy(BOM, 0, with, 0, BOM.length);
        System.arraycopy(bytes, 0, with, BOM.length, bytes.length);
        bytes = with;
      }
      try {
        JsonLine line = parse(file, bytes, at.line());
        if (line != null && check != null) {
          check.check(line);
        }
      } catch (BadInputException e) {
        return e;
      }
      throw new IllegalStateException(file + ":" + at.line() + " failed its check on an executor (" + bad.error()
          .message() + ") but passes on the driver");
    }

    private byte[] head(String uri) {
      Path path = new Path(uri);
      try (var in = path.getFileSystem(raw.context().hadoopConfiguration()).open(path)) {
        return in.readNBytes(BOM.length);
      } catch (IOException e) {
        return new byte[0];
      }
    }

    private static boolean startsWithBom(byte[] bytes) {
      return bytes.length >= BOM.length && Arrays.equals(bytes, 0, BOM.length, BOM, 0, BOM.length);
    }

    /**
     * The repeated id whose second occurrence comes first (by file, then line), over every row that parses and has
     * an {@code id}: each id keeps its two first occurrences.
     */
    private Duplicate firstDuplicate(Checked checked) {
      List<Duplicate> found = numbered(checked)
          .flatMapToPair(r -> idOf(r).iterator())
          .reduceByKey(Scan::firstTwo)
          .filter(t -> t._2().length == 2)
          .map(t -> new Duplicate(t._2()[1], t._2()[0], t._1()))
          .takeOrdered(1, new BySecond());
      return found.isEmpty() ? null : found.get(0);
    }

    private static List<Tuple2<String, At[]>> idOf(InputRow r) {
      try {
        JsonLine line = parse(java.nio.file.Path.of("input"), r.bytes(), r.line());
        if (line != null && line.has("id")) {
          return List.of(new Tuple2<>(UniqueIds.key(line.node().get("id")), new At[] {new At(r.file(), r.line())}));
        }
      } catch (BadInputException e) {
        // reported by pass 1
      }
      return List.of();
    }

    private static At[] firstTwo(At[] a, At[] b) {
      At[] all = new At[a.length + b.length];
      System.arraycopy(a, 0, all, 0, a.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      Arrays.sort(all);
      return Arrays.copyOf(all, Math.min(2, all.length));
    }

    /** {@link UniqueIds}'s message; an id first seen in another file names that file too. */
    private BadInputException duplicateError(Duplicate d) {
      java.nio.file.Path file = java.nio.file.Path.of(labels.get(d.second().file()));
      int line = (int) Math.min(Integer.MAX_VALUE, d.second().line());
      JsonNode id;
      try {
        id = Jsonl.MAPPER.readTree(d.id());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      if (d.first().file() == d.second().file()) {
        return UniqueIds.duplicate(file, line, id, d.first().line());
      }
      return new BadInputException(file, line, "id", "duplicate id " + id + " (first on line " + d.first().line()
          + " of " + labels.get(d.first().file()) + ")");
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
          return new InputRow(r.file(), byRow ? r.position() + 1 : next++, r.bytes());
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
      BadRow syntax = null;
      BadRow field = null;
      java.nio.file.Path anywhere = java.nio.file.Path.of("input");
      while (rows.hasNext()) {
        RawRow r = rows.next();
        if (file < 0) {
          file = r.file();
        }
        sha.update(ByteBuffer.allocate(12).putInt(r.file()).putLong(r.position()).array());
        sum = sum.add(new BigInteger(1, sha.digest(r.bytes())));
        if (syntax == null) {
          // the real line number is not known yet; only line 1 (offset 0) may start with a byte order mark
          long line = r.position() == 0 ? 1 : count + 2;
          JsonLine parsed = null;
          try {
            parsed = parse(anywhere, r.bytes(), line);
          } catch (BadInputException e) {
            syntax = new BadRow(r.file(), count, r.position(), r.bytes(), LineError.of(e));
          }
          if (parsed != null) {
            nonBlank++;
            if (field == null) {
              try {
                maxSize = Math.max(maxSize, check.check(parsed));
              } catch (BadInputException e) {
                field = new BadRow(r.file(), count, r.position(), r.bytes(), LineError.of(e));
              }
            }
          }
        }
        count++;
      }
      byte[] bytes = sum.mod(BigInteger.ONE.shiftLeft(256)).toByteArray();
      return new PartSummary(file, count, nonBlank, maxSize, bytes, syntax, field);
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
