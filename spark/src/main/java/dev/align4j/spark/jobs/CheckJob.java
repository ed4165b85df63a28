package dev.align4j.spark.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.Options;
import dev.align4j.app.cli.Verifiers;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.rewards.Verdict;
import dev.align4j.spark.io.InputDataset;
import dev.align4j.spark.io.InputRow;
import dev.align4j.spark.io.JsonRows;
import dev.align4j.spark.io.OutputDataset;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A checking job over a dataset ({@code verify}, {@code bon-score}), in two Spark passes over the input:
 *
 * <ol>
 *   <li>validate every row on the executors ({@link InputDataset.Scan#validate}: bytes decoded as strict UTF-8,
 *       strict JSON, the plan's field checks, ids unique across partitions); the first bad row (by file and line)
 *       becomes the same {@link BadInputException}, with the same message, that the single-machine command raises,
 *       before anything is checked or written;
 *   <li>{@code mapPartitions}: each partition's checks run on its executor's bounded {@link WorkerPools pool}, a
 *       window of rows at a time, and the executors write the output rows ({@link OutputDataset}: Parquet or JSONL
 *       part files, in input order) which the driver commits with a manifest. No result row passes through the
 *       driver.
 * </ol>
 *
 * @param input the dataset (JSONL file, folder of part files or Parquet; any Hadoop URI)
 * @param output the output folder (any Hadoop URI)
 * @param format Parquet or JSONL part files
 * @param plan how rows become checks and outputs
 * @param workers checks in flight per executor
 * @param partitions minimum number of partitions
 */
public record CheckJob(String input, String output, OutputDataset.Format format, RowPlan plan, int workers,
    int partitions) {
  /** One set per executor JVM, shared by every task it runs (and one sandbox per wall-clock limit). */
  private static final Verifiers EXECUTOR_VERIFIERS = new Verifiers();

  public CheckJob {
    Options.inRange("--workers", workers, 1, 256);
    Options.atLeast("--partitions", partitions, 1);
  }

  /**
   * What a run wrote.
   *
   * @param rows output rows
   * @param inputRows input lines (blank ones included)
   * @param digest the input's fingerprint (see {@link InputDataset})
   */
  public record Result(long rows, long inputRows, String digest) {}

  /** Runs the job; {@code config} (the command's flags) goes into the manifest. */
  public Result run(SparkSession spark, String job, ObjectNode config) {
    InputDataset in = InputDataset.resolve(spark, input);
    List<String> labels = in.labels();
    RowPlan p = plan;
    try (OutputDataset out = OutputDataset.begin(spark, output)) {
      InputDataset.Scan scan = in.scan(spark, partitions);
      InputDataset.Checked checked = scan.validate(line -> {
        p.prepare(line);
        return 0;
      }, true);
      int w = workers;
      JavaRDD<ObjectNode> rows = scan.numbered(checked).mapPartitions(it -> new Checked(labels, p, w, it));
      StructType schema = p.schema();
      if (format == OutputDataset.Format.JSONL) {
        out.writeJsonl(rows.map(CheckJob::text));
      } else {
        out.writeParquet(spark, rows.map(o -> JsonRows.toRow(o, schema)), schema);
      }
      out.commit(OutputDataset.manifest(spark, job, format, checked.nonBlank(), schema, in, checked,
          scan.partitions(), config));
      return new Result(checked.nonBlank(), checked.rows(), checked.digest());
    }
  }

  private static String text(ObjectNode o) {
    try {
      return Jsonl.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A partition's output rows, computed a window at a time on the executor's shared pool. */
  private static final class Checked implements Iterator<ObjectNode> {
    private final List<String> labels;
    private final RowPlan plan;
    private final Iterator<InputRow> rows;
    private final ExecutorService pool;
    private final int window;
    private final ArrayDeque<ObjectNode> ready = new ArrayDeque<>();

    Checked(List<String> labels, RowPlan plan, int workers, Iterator<InputRow> rows) {
      this.labels = labels;
      this.plan = plan;
      this.rows = rows;
      this.pool = WorkerPools.shared(workers);
      this.window = workers * 32; // enough in flight to keep the pool busy, few enough to bound memory
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && rows.hasNext()) {
        fill();
      }
      return !ready.isEmpty();
    }

    @Override
    public ObjectNode next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void fill() {
      List<RowPlan.Row> batch = new ArrayList<>(window);
      while (batch.size() < window && rows.hasNext()) {
        InputRow r = rows.next();
        JsonLine line = InputDataset.parse(Path.of(labels.get(r.file())), r.bytes(), r.line());
        if (line != null) {
          batch.add(plan.prepare(line));
        }
      }
      List<List<Future<Verdict>>> futures = new ArrayList<>(batch.size());
      for (RowPlan.Row row : batch) {
        List<Future<Verdict>> fs = new ArrayList<>(row.responses().size());
        for (String response : row.responses()) {
          fs.add(pool.submit(() -> row.target().check(response, EXECUTOR_VERIFIERS)));
        }
        futures.add(fs);
      }
      try {
        for (int i = 0; i < batch.size(); i++) {
          List<Verdict> verdicts = new ArrayList<>();
          for (Future<Verdict> f : futures.get(i)) {
            verdicts.add(f.get());
          }
          ready.add(batch.get(i).render(verdicts));
        }
      } catch (InterruptedException e) {
        futures.forEach(fs -> fs.forEach(f -> f.cancel(true)));
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a check failed", e.getCause());
      }
    }
  }
}
