package dev.align4j.experiments.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;

/**
 * The optimization settings every training experiment shares (the {@code "training"} object of a config).
 * Effective batch = {@code per_device_batch_size × gradient_accumulation_steps}.
 *
 * <pre>{@code
 * "training": {"learning_rate": 5e-7, "schedule": {"type": "linear", "warmup_ratio": 0.1},
 *              "optimizer": {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 0.0},
 *              "max_grad_norm": 1.0, "per_device_batch_size": 2, "gradient_accumulation_steps": 16,
 *              "save_steps": 100, "keep_checkpoints": 2, "seed": 42, "skip_nonfinite_steps": false}
 * }</pre>
 *
 * <p>An update whose loss or gradient norm is not finite is never applied. By default it stops the run (exit code 2
 * naming the update and the metric); with {@code skip_nonfinite_steps} (optional, default false) it is skipped,
 * logged with {@code null} values and counted in the {@code nonfinite_skipped} metric, and training goes on.
 *
 * @param learningRate peak learning rate, &gt; 0
 * @param schedule learning-rate multiplier per update
 * @param optimizer AdamW's other hyper-parameters
 * @param maxGradNorm global gradient-norm clip threshold, &gt; 0
 * @param perDeviceBatchSize examples per micro-batch, ≥ 1
 * @param gradientAccumulationSteps micro-batches per update, ≥ 1
 * @param saveSteps a checkpoint every this many updates (and at the end), ≥ 1
 * @param keepCheckpoints how many of the newest checkpoints to keep, ≥ 1
 * @param seed seed of the run's random generator (data order, sampling)
 * @param skipNonfiniteSteps skip (rather than stop at) an update whose loss or gradient norm is not finite
 */
public record TrainingConfig(
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("schedule") LrSchedule schedule,
    @JsonProperty("optimizer") AdamWConfig optimizer,
    @JsonProperty("max_grad_norm") double maxGradNorm,
    @JsonProperty("per_device_batch_size") int perDeviceBatchSize,
    @JsonProperty("gradient_accumulation_steps") int gradientAccumulationSteps,
    @JsonProperty("save_steps") int saveSteps,
    @JsonProperty("keep_checkpoints") int keepCheckpoints,
    @JsonProperty("seed") long seed,
    @JsonProperty(value = "skip_nonfinite_steps", defaultValue = "false") boolean skipNonfiniteSteps) {

  public TrainingConfig {
    if (!(learningRate > 0 && learningRate < 1)) {
      throw new InvalidConfigException("learning_rate", "must be in (0, 1), got " + learningRate);
    }
    if (schedule == null) {
      throw new InvalidConfigException("schedule", "is required, e.g. {\"type\": \"linear\", \"warmup_ratio\": 0.1}");
    }
    if (optimizer == null) {
      throw new InvalidConfigException("optimizer", "is required, e.g. {\"beta1\": 0.9, \"beta2\": 0.999,"
          + " \"epsilon\": 1e-8, \"weight_decay\": 0.0}");
    }
    if (!(maxGradNorm > 0)) {
      throw new InvalidConfigException("max_grad_norm", "must be > 0, got " + maxGradNorm);
    }
    atLeastOne("per_device_batch_size", perDeviceBatchSize);
    atLeastOne("gradient_accumulation_steps", gradientAccumulationSteps);
    atLeastOne("save_steps", saveSteps);
    atLeastOne("keep_checkpoints", keepCheckpoints);
  }

  /** Settings that stop the run at a non-finite update (the default). */
  public TrainingConfig(double learningRate, LrSchedule schedule, AdamWConfig optimizer, double maxGradNorm,
      int perDeviceBatchSize, int gradientAccumulationSteps, int saveSteps, int keepCheckpoints, long seed) {
    this(learningRate, schedule, optimizer, maxGradNorm, perDeviceBatchSize, gradientAccumulationSteps, saveSteps,
        keepCheckpoints, seed, false);
  }

  private static void atLeastOne(String field, int value) {
    if (value < 1) {
      throw new InvalidConfigException(field, "must be >= 1, got " + value);
    }
  }

  /** Examples per optimizer update. */
  public int effectiveBatchSize() {
    return perDeviceBatchSize * gradientAccumulationSteps;
  }
}
