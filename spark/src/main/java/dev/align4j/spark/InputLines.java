package dev.align4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.SparkSession;

/**
 * A dataset as (text of one row, 0-based row index) pairs in input order: a JSONL file (row = line, blank lines
 * kept in the numbering and skipped later) or, for a path ending in {@code .parquet}, a Parquet dataset whose rows
 * are turned into JSON objects (row numbers then count rows).
 */
public final class InputLines {
  private InputLines() {}

  /** Reads {@code input} into at least {@code minPartitions} partitions; a missing local file is bad input. */
  public static JavaPairRDD<String, Long> read(SparkSession spark, String input, int minPartitions) {
    requireExists(input);
    if (input.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
      return spark.read().parquet(input).toJSON().javaRDD().zipWithIndex();
    }
    return spark.sparkContext().textFile(input, minPartitions).toJavaRDD().zipWithIndex();
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
   * @throws BadInputException on malformed JSON or a line that is not an object
   */
  public static JsonLine parse(Path file, String text, long index) {
    int line = (int) Math.min(Integer.MAX_VALUE, index + 1);
    if (text.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = Jsonl.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file, line, null, "malformed JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new BadInputException(file, line, null, "each line must be a JSON object");
    }
    return new JsonLine(file, line, obj);
  }
}
