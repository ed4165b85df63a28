package dev.align4j.spark.jobs;

import dev.align4j.app.cli.Verifiers;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.rewards.Verdict;
import dev.align4j.spark.InputLines;
import dev.align4j.spark.LineError;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * A checking job over a dataset ({@code verify}, {@code bon-score}), in two Spark passes:
 *
 * <ol>
 *   <li>validate every row on the executors, and find repeated ids (each id's two smallest line numbers); the first
 *       bad row (by line) becomes the same {@link BadInputException} the single-machine command raises, before
 *       anything is checked or written;
 *   <li>{@code mapPartitions}: each partition's checks run on its executor's bounded {@link WorkerPools pool}, a
 *       window of rows at a time, and come back rendered as JSON lines in input order.
 * </ol>
 *
 * The driver collects the lines (partition order = input order) and writes them through a temporary file renamed
 * into place only on success.
 *
 * @param input the dataset (JSONL, or Parquet for a {@code .parquet} path)
 * @param output the JSONL output file on the driver
 * @param plan how rows become checks and outputs
 * @param workers checks in flight per executor
 * @param partitions minimum number of partitions
 */
public record CheckJob(String input, Path output, RowPlan plan, int workers, int partitions) {
  /** One set per executor JVM, shared by every task it runs (and one sandbox per wall-clock limit). */
  private static final Verifiers EXECUTOR_VERIFIERS = new Verifiers();

  public CheckJob {
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("--workers must be in [1, 256], got " + workers);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
    }
  }

  /** Runs the job and returns the rendered output lines' count. */
  public long run(SparkSession spark) {
    JavaPairRDD<byte[], Long> rows = InputLines.read(spark, input, partitions);
    String file = input;
    RowPlan p = plan;
    Optional<LineError> invalid = first(rows.flatMap(t -> validate(Path.of(file), p, t._1(), t._2()).iterator())
        .takeOrdered(1, LineError.BY_LINE));
    Optional<LineError> duplicate = first(duplicateIds(rows, file));
    // the single-machine command checks line by line, a line's own fields before its id's uniqueness: report the
    // same first error (a tie on one line goes to the field error)
    Optional<LineError> error = invalid.isPresent() && duplicate.isPresent()
        ? Optional.of(duplicate.get().line() < invalid.get().line() ? duplicate.get() : invalid.get())
        : invalid.or(() -> duplicate);
    if (error.isPresent()) {
      throw error.get().toException(Path.of(input));
    }
    int w = workers;
    List<String> lines = rows.mapPartitions(it -> checkPartition(Path.of(file), p, w, it)).collect();
    try (AtomicOutput out = AtomicOutput.create(output)) {
      for (String line : lines) {
        out.write(line);
        out.write("\n");
      }
      out.commit();
    }
    return lines.size();
  }

  /**
   * The first line (by line number) whose id an earlier line already had, as {@link UniqueIds} reports it, over
   * every row whose id parses: each id keeps its two smallest line numbers.
   */
  private static List<LineError> duplicateIds(JavaPairRDD<byte[], Long> rows, String file) {
    return rows.flatMapToPair(t -> idOf(Path.of(file), t._1(), t._2()).iterator())
        .reduceByKey(CheckJob::twoSmallest)
        .filter(t -> t._2().length == 2)
        .map(t -> LineError.of(UniqueIds.duplicate(Path.of(file), (int) t._2()[1], Jsonl.MAPPER.readTree(t._1()),
            t._2()[0])))
        .takeOrdered(1, LineError.BY_LINE);
  }

  private static List<Tuple2<String, long[]>> idOf(Path file, byte[] bytes, long index) {
    try {
      JsonLine line = InputLines.parse(file, bytes, index);
      if (line != null) {
        return List.of(new Tuple2<>(UniqueIds.key(line.id()), new long[] {line.line()}));
      }
    } catch (BadInputException e) {
      // reported by the validation pass
    }
    return List.of();
  }

  private static long[] twoSmallest(long[] a, long[] b) {
    long[] all = new long[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.sort(all);
    return Arrays.copyOf(all, Math.min(2, all.length));
  }

  private static Optional<LineError> first(List<LineError> errors) {
    return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0));
  }

  private static List<LineError> validate(Path file, RowPlan plan, byte[] bytes, long index) {
    try {
      JsonLine line = InputLines.parse(file, bytes, index);
      if (line != null) {
        plan.prepare(line);
      }
      return List.of();
    } catch (BadInputException e) {
      return List.of(LineError.of(e));
    }
  }

  private static Iterator<String> checkPartition(Path file, RowPlan plan, int workers,
      Iterator<Tuple2<byte[], Long>> rows) throws InterruptedException, ExecutionException {
    ExecutorService pool = WorkerPools.shared(workers);
    Verifiers verifiers = EXECUTOR_VERIFIERS;
    List<String> out = new ArrayList<>();
    int window = workers * 32; // enough in flight to keep the pool busy, few enough to bound memory
    List<RowPlan.Row> batch = new ArrayList<>(window);
    while (rows.hasNext()) {
      Tuple2<byte[], Long> t = rows.next();
      JsonLine line = InputLines.parse(file, t._1(), t._2());
      if (line != null) {
        batch.add(plan.prepare(line));
      }
      if (batch.size() == window || !rows.hasNext()) {
        checkWindow(batch, pool, verifiers, out);
        batch.clear();
      }
    }
    return out.iterator();
  }

  private static void checkWindow(List<RowPlan.Row> batch, ExecutorService pool, Verifiers verifiers,
      List<String> out) throws InterruptedException, ExecutionException {
    List<List<Future<Verdict>>> futures = new ArrayList<>(batch.size());
    for (RowPlan.Row row : batch) {
      List<Future<Verdict>> fs = new ArrayList<>(row.responses().size());
      for (String response : row.responses()) {
        fs.add(pool.submit(() -> row.target().check(response, verifiers)));
      }
      futures.add(fs);
    }
    for (int i = 0; i < batch.size(); i++) {
      List<Verdict> verdicts = new ArrayList<>();
      for (Future<Verdict> f : futures.get(i)) {
        verdicts.add(f.get());
      }
      try {
        out.add(Jsonl.MAPPER.writeValueAsString(batch.get(i).render(verdicts)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
