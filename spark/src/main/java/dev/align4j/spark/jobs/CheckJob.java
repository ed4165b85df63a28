package dev.align4j.spark.jobs;

import dev.align4j.app.cli.Verifiers;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.rewards.Verdict;
import dev.align4j.spark.InputLines;
import dev.align4j.spark.LineError;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 *   <li>validate every row on the executors; the first bad row (by line) becomes the same
 *       {@link BadInputException} the single-machine command raises, before anything is checked or written;
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
    JavaPairRDD<String, Long> rows = InputLines.read(spark, input, partitions);
    String file = input;
    RowPlan p = plan;
    List<LineError> errors = rows.flatMap(t -> validate(Path.of(file), p, t._1(), t._2()).iterator())
        .takeOrdered(1, LineError.BY_LINE);
    if (!errors.isEmpty()) {
      throw errors.get(0).toException(Path.of(input));
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

  private static List<LineError> validate(Path file, RowPlan plan, String text, long index) {
    try {
      JsonLine line = InputLines.parse(file, text, index);
      if (line != null) {
        plan.prepare(line);
      }
      return List.of();
    } catch (BadInputException e) {
      return List.of(LineError.of(e));
    }
  }

  private static Iterator<String> checkPartition(Path file, RowPlan plan, int workers,
      Iterator<Tuple2<String, Long>> rows) throws InterruptedException, ExecutionException {
    ExecutorService pool = WorkerPools.shared(workers);
    Verifiers verifiers = EXECUTOR_VERIFIERS;
    List<String> out = new ArrayList<>();
    int window = workers * 32; // enough in flight to keep the pool busy, few enough to bound memory
    List<RowPlan.Row> batch = new ArrayList<>(window);
    while (rows.hasNext()) {
      Tuple2<String, Long> t = rows.next();
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
