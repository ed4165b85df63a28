package dev.align4j.spark.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.core.Jsonl;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A job's output folder, written by the executors and committed by the driver:
 *
 * <pre>
 * OUT/part-00000…          the rows, in input order across parts: Parquet (default) or JSONL part files
 *                          (for JSONL, {@code cat OUT/part-*} is the single-machine command's output file)
 * OUT/_SUCCESS             Spark's marker
 * OUT/_manifest.json       {"format": "align4j-spark-output/v1", "job", "data_format", "rows", "schema",
 *                           "input": {"path", "files", "rows", "digest"}, "config", "spark", ...}
 * </pre>
 *
 * Everything is written under a hidden sibling {@code .OUT.tmp-<uuid>} (Spark's own output committer handles task
 * attempts, so a retried task never leaves a second copy); {@link #commit} writes the manifest last and renames the
 * folder into place, so {@code OUT} either does not exist or is complete. A job that fails leaves only the hidden
 * folder, which {@link #close} removes. An existing {@code OUT} is replaced only when it holds a manifest (an
 * earlier output); anything else there is refused.
 */
public final class OutputDataset implements AutoCloseable {
  /** The manifest's name. */
  public static final String MANIFEST = "_manifest.json";
  /** The manifest's format tag. */
  public static final String FORMAT = "align4j-spark-output/v1";

  /** How rows are stored. */
  public enum Format {
    /** Parquet part files (the default). */
    PARQUET,
    /** JSONL part files, each line as the single-machine command writes it. */
    JSONL;

    /** The flag value. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final FileSystem fs;
  private final Path target;
  private final Path temp;
  private boolean committed;

  private OutputDataset(FileSystem fs, Path target, Path temp) {
    this.fs = fs;
    this.target = target;
    this.temp = temp;
  }

  /**
   * Refuses, before a session starts, an {@code --output} on the local file system that cannot be used: an
   * existing file, a folder that is not an earlier job's output (no {@value #MANIFEST}), a folder that cannot be
   * created or written ({@link AtomicOutput#checkFolder}). Other file systems are checked by {@link #begin}.
   *
   * @throws BadInputException naming {@code option}
   */
  public static void requireUsable(String output, String option) {
    java.nio.file.Path local;
    try {
      URI uri = new URI(output);
      if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
        return;
      }
      local = uri.getScheme() == null ? java.nio.file.Path.of(output) : java.nio.file.Path.of(uri);
    } catch (URISyntaxException | IllegalArgumentException e) {
      local = java.nio.file.Path.of(output);
    }
    AtomicOutput.checkFolder(local, option);
    if (Files.isDirectory(local) && !Files.exists(local.resolve(MANIFEST))) {
      throw notAnOutput(output, option);
    }
  }

  private static BadInputException notAnOutput(String output, String option) {
    return BadInputException.option(option, output + " exists and is not the output of an align4j spark job (no "
        + MANIFEST + "); refusing to replace it");
  }

  /**
   * Prepares {@code output} (any Hadoop URI).
   *
   * @throws BadInputException naming {@code --output} when it exists and is not an earlier job output
   */
  public static OutputDataset begin(SparkSession spark, String output) {
    try {
      Path target = new Path(output);
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      target = fs.makeQualified(target);
      if (fs.exists(target) && !fs.exists(new Path(target, MANIFEST))) {
        throw notAnOutput(output, "--output");
      }
      Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
      return new OutputDataset(fs, target, temp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + output, e);
    }
  }

  /** The folder the executors write into until the commit. */
  public Path temp() {
    return temp;
  }

  /** The committed folder. */
  public Path target() {
    return target;
  }

  /** The file system of the output. */
  public FileSystem fileSystem() {
    return fs;
  }

  /** Writes {@code lines} (one JSON object each) as JSONL part files, one per partition. */
  public void writeJsonl(JavaRDD<String> lines) {
    lines.saveAsTextFile(temp.toString());
  }

  /** Writes {@code rows} as Parquet part files, one per partition, in partition order. */
  public void writeParquet(SparkSession spark, JavaRDD<Row> rows, StructType schema) {
    spark.createDataFrame(rows, schema).write().parquet(temp.toString());
  }

  /** Writes a small text file (from the driver) at {@code relative} under the folder being written. */
  public void writeText(String relative, String text) {
    try (OutputStream out = fs.create(new Path(temp, relative), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + relative + " under " + temp, e);
    }
  }

  /** Writes the manifest and renames the folder into place (replacing an earlier output). */
  public void commit(ObjectNode manifest) {
    ObjectNode m = Jsonl.MAPPER.createObjectNode();
    m.put("format", FORMAT);
    m.setAll(manifest);
    try {
      writeText(MANIFEST, Jsonl.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try {
      Path old = null;
      if (fs.exists(target)) {
        old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
        if (!fs.rename(target, old)) {
          throw new IOException("cannot move the earlier output " + target + " aside");
        }
      }
      if (!fs.rename(temp, target)) {
        if (old != null) {
          fs.rename(old, target);
        }
        throw new IOException("cannot rename " + temp + " to " + target);
      }
      committed = true;
      if (old != null) {
        fs.delete(old, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit " + target, e);
    }
  }

  /**
   * The manifest fields every job writes: {@code job}, {@code data_format}, {@code rows}, {@code schema} (Spark's
   * JSON), {@code input} ({@code path}, {@code format}, {@code files}, {@code rows}, {@code digest}), {@code config}
   * and {@code spark} ({@code master}, {@code version}, {@code input_partitions}).
   */
  public static ObjectNode manifest(SparkSession spark, String job, Format format, long rows, StructType schema,
      InputDataset in, InputDataset.Checked checked, int inputPartitions, ObjectNode config) {
    ObjectNode m = Jsonl.MAPPER.createObjectNode();
    m.put("job", job);
    m.put("data_format", format.wireName());
    m.put("rows", rows);
    try {
      m.set("schema", Jsonl.MAPPER.readTree(schema.json()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode source = m.putObject("input");
    source.put("path", in.input());
    source.put("format", in.parquet() ? "parquet" : "jsonl");
    source.put("files", in.fileCount());
    source.put("rows", checked.rows());
    source.put("digest", checked.digest());
    m.set("config", config);
    ObjectNode sparkInfo = m.putObject("spark");
    sparkInfo.put("master", spark.sparkContext().master());
    sparkInfo.put("version", spark.version());
    sparkInfo.put("input_partitions", inputPartitions);
    return m;
  }

  /** Reads a committed output's manifest. */
  public static JsonNode manifest(SparkSession spark, String output) throws IOException {
    Path file = new Path(output, MANIFEST);
    FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (var in = fs.open(file)) {
      return Jsonl.MAPPER.readTree(in);
    }
  }

  /** Removes the hidden folder unless the output was committed. */
  @Override
  public void close() {
    if (!committed) {
      try {
        fs.delete(temp, true);
      } catch (IOException e) {
        // best effort: a hidden .tmp folder never looks like a complete output
      }
    }
  }
}
