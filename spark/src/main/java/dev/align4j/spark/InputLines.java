package dev.align4j.spark;

import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A dataset as (bytes of one row, 0-based row index) pairs in input order: a JSONL file (row = line, blank lines
 * kept in the numbering and skipped later) or, for a path ending in {@code .parquet}, a Parquet dataset whose rows
 * are turned into JSON objects (row numbers then count rows). Rows stay bytes until {@link #parse}, which decodes
 * them with the single-machine reader's rules ({@link Jsonl#decode}, {@link Jsonl#parseLine}): strict UTF-8 with the
 * bad line named, a byte order mark skipped, the same messages. (Spark's {@code textFile} would have replaced bad
 * bytes with U+FFFD silently.)
 */
public final class InputLines {
  private InputLines() {}

  /** Reads {@code input} into at least {@code minPartitions} partitions; a missing local file is bad input. */
  public static JavaPairRDD<byte[], Long> read(SparkSession spark, String input, int minPartitions) {
    requireExists(input);
    if (input.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
      return spark.read().parquet(input).toJSON().javaRDD().map(s -> s.getBytes(StandardCharsets.UTF_8))
          .zipWithIndex();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // Hadoop reuses one Text per record: copy its valid bytes out
    return jsc.hadoopFile(input, TextInputFormat.class, LongWritable.class, Text.class, minPartitions)
        .map(t -> Arrays.copyOf(t._2().getBytes(), t._2().getLength()))
        .zipWithIndex();
  }

  /** Fails with exit-2 bad input when {@code input} is a local path that does not exist (URIs are left to Spark). */
  public static void requireExists(String input) {
    if (!input.contains("://") && !Files.exists(Path.of(input))) {
      throw new BadInputException(Path.of(input), 0, null, "no such file");
    }
  }

  /**
   * Parses one row as {@link Jsonl#read} does, with the same messages; {@code null} for a blank line.
   *
   * @throws BadInputException on bytes that are not UTF-8, malformed JSON or a line that is not an object
   */
  public static JsonLine parse(Path file, byte[] bytes, long index) {
    int line = (int) Math.min(Integer.MAX_VALUE, index + 1);
    return Jsonl.parseLine(file, line, Jsonl.decode(file, line, bytes, bytes.length));
  }
}
