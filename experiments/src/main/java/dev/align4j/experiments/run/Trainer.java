package dev.align4j.experiments.run;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.train.AdamW;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.RunRandom;
import dev.align4j.experiments.train.StepResult;
import dev.align4j.experiments.train.TrainStep;
import dev.align4j.experiments.train.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop every training experiment shares: for each update s = start … N−1, plan it, run it
 * ({@link TrainStep}: accumulate, clip, AdamW), log a {@code metrics.jsonl} line, show progress, and every
 * {@code save_steps} updates write a checkpoint (model in HF layout, optimizer, RNG state, position, and the
 * planner's own state, e.g. a rollout batch still being reused). Resuming restores all of that from the run's newest
 * checkpoint, so the continued run equals an uninterrupted one (torch's generator, which only dropout draws from,
 * is seeded before each update from the run seed and the update's number, so dropout masks are those of the
 * uninterrupted run too). An update whose loss or gradient norm is not finite
 * is not applied; it stops the run with a {@link BadInputException} naming the update and the metric, unless
 * {@code training.skip_nonfinite_steps} is set.
 */
public final class Trainer implements AutoCloseable {
  private static final String OPTIMIZER_FILE = "optimizer.bin";

  private final RunContext context;
  private final String stage;
  private final Map<String, NDArray> parameters;
  private final TrainingConfig config;
  private final long totalSteps;
  private final CheckpointStore.Contents modelWriter;
  private final UpdateHook hook;
  private final NDManager manager;
  private final AdamW optimizer;
  private final RunRandom rng;
  private final MetricsLog metrics;
  private final CheckpointStore checkpoints;
  private final long startStep;
  private long skipped;

  /**
   * @param parameters the trainable weights (with gradients enabled), updated in place
   * @param totalSteps optimizer updates of the whole run
   * @param modelWriter writes the model into a checkpoint directory in HF layout ({@code model::save})
   */
  public Trainer(RunContext context, String stage, Map<String, NDArray> parameters, TrainingConfig config,
      long totalSteps, CheckpointStore.Contents modelWriter) {
    this(context, stage, parameters, config, totalSteps, modelWriter, UpdateHook.NONE);
  }

  /**
   * As {@link #Trainer(RunContext, String, Map, TrainingConfig, long, CheckpointStore.Contents)}, with {@code hook}
   * called around every update (LoRA's training mode, LISA's layer choice).
   *
   * @param parameters every weight the optimizer may update, updated in place; those without a gradient at an
   *     update (frozen by the hook) are left alone
   * @param modelWriter writes what a checkpoint holds of the model: HF layout ({@code model::save}) or a LoRA
   *     adapter folder
   */
  public Trainer(RunContext context, String stage, Map<String, NDArray> parameters, TrainingConfig config,
      long totalSteps, CheckpointStore.Contents modelWriter, UpdateHook hook) {
    if (totalSteps < 1) {
      throw new IllegalArgumentException("the run has no update to make (total steps " + totalSteps
          + "): add data or lower the batch size");
    }
    this.context = context;
    this.stage = stage;
    this.parameters = parameters;
    this.config = config;
    this.totalSteps = totalSteps;
    this.modelWriter = modelWriter;
    this.hook = hook;
    this.manager = parameters.values().iterator().next().getManager().newSubManager();
    this.optimizer = new AdamW(config.optimizer(), manager);
    this.checkpoints = new CheckpointStore(context.dir().resolve("checkpoints"), config.keepCheckpoints());
    TrainerState state = context.resumeCheckpoint().map(CheckpointStore::readState)
        .orElse(TrainerState.start(totalSteps, config.seed()));
    if (state.totalSteps() != totalSteps) {
      throw new BadInputException(context.resumeCheckpoint().orElseThrow().resolve(CheckpointStore.STATE_FILE), 0,
          "total_steps", "the checkpoint plans " + state.totalSteps() + " updates but this run " + totalSteps
          + ": resume with the same config and data");
    }
    this.metrics = new MetricsLog(context.dir().resolve("metrics.jsonl"), state.metricsLines(),
        state.metricsSha256());
    context.resumeCheckpoint().ifPresent(this::loadOptimizer);
    this.startStep = state.step();
    this.skipped = state.skippedSteps();
    this.rng = new RunRandom(state.rngState());
  }

  /** What a {@link #train} call did. */
  public record Outcome(long stepsDone, boolean finished, List<Map<String, Double>> metrics) {}

  /** Runs the remaining updates (or up to the context's stop step); returns whether the run finished. */
  public <B> Outcome train(StepPlanner<B> planner, MicroBatchLoss<B> loss) {
    TrainStep trainStep = new TrainStep(parameters, optimizer, config.maxGradNorm(), manager);
    long stop = Math.min(totalSteps, context.stopAtStep().orElse(totalSteps));
    long step = startStep;
    context.resumeCheckpoint().ifPresent(checkpoint -> restorePlanner(planner, checkpoint));
    try (Progress progress = Progress.open(stage, totalSteps, startStep, context.err())) {
      while (step < stop) {
        StepPlan<B> plan = planner.plan(step, rng);
        double lr = config.learningRate() * config.schedule().multiplier(step, totalSteps);
        hook.beforeUpdate(step, optimizer);
        Engine.getInstance().setRandomSeed(torchSeed(config.seed(), step));
        StepResult r = trainStep.run(plan.microBatches(), lr, loss);
        hook.afterUpdate(step);
        step++;
        Map<String, Double> row = row(step, plan, r);
        if (!r.applied()) {
          skipped++;
        }
        if (config.skipNonfiniteSteps()) {
          row.put("nonfinite_skipped", (double) skipped);
        }
        metrics.append(row);
        if (!r.applied() && !config.skipNonfiniteSteps()) {
          throw new BadInputException(null, 0, null, stage + ": update " + step + " of " + totalSteps + ": "
              + r.nonFinite() + "; the update was not applied and training stopped (metrics.jsonl has its line; "
              + "the weights are those of update " + (step - 1) + "). Lower the learning rate or check the data and "
              + "the model's weights, or set training.skip_nonfinite_steps to true to skip such updates");
        }
        progress.update(step, String.format("loss %.4f", r.loss()));
        if (step % config.saveSteps() == 0 || step == stop) {
          saveCheckpoint(step, planner);
        }
      }
    }
    Plots.write(context.dir().resolve("plots"), stage, metrics.rows());
    return new Outcome(step, step == totalSteps, metrics.rows());
  }

  /** A seed for torch's generator at update {@code step}: SplitMix64 of (seed, step), as a non-negative int. */
  static int torchSeed(long seed, long step) {
    return (int) (RunRandom.mix(seed + (step + 1) * RunRandom.GAMMA) >>> 33);
  }

  private static Map<String, Double> row(long step, StepPlan<?> plan, StepResult r) {
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("step", (double) step);
    row.put("epoch", plan.epoch());
    row.put("lr", r.lr());
    row.put("loss", r.loss());
    row.put("grad_norm", r.gradNorm());
    row.putAll(r.metrics());
    row.putAll(plan.metrics());
    return row;
  }

  private void saveCheckpoint(long step, StepPlanner<?> planner) {
    TrainerState state = new TrainerState(step, totalSteps, rng.state(), metrics.lines(), metrics.sha256Hex(),
        skipped);
    checkpoints.save(state, dir -> {
      modelWriter.writeTo(dir);
      optimizer.save(dir.resolve(OPTIMIZER_FILE));
      planner.save(dir, step);
    });
    Plots.write(context.dir().resolve("plots"), stage, metrics.rows());
  }

  private static void restorePlanner(StepPlanner<?> planner, Path checkpoint) {
    try {
      planner.restore(checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the planner state of " + checkpoint, e);
    }
  }

  private void loadOptimizer(Path checkpoint) {
    try {
      optimizer.load(checkpoint.resolve(OPTIMIZER_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read optimizer state of " + checkpoint, e);
    }
  }

  @Override
  public void close() {
    optimizer.close();
    manager.close();
  }
}
