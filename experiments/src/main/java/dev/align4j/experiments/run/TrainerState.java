package dev.align4j.experiments.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code trainer_state.json} of a checkpoint: where the run was when it was saved.
 *
 * @param step optimizer updates completed
 * @param totalSteps updates the run plans in all
 * @param rngState the state of the run's {@link dev.align4j.experiments.train.RunRandom}
 * @param metricsLines lines of {@code metrics.jsonl} written up to this checkpoint
 * @param metricsSha256 SHA-256 (hex) of those lines' bytes, newlines included: a resume refuses a log that was
 *     truncated, deleted or edited since
 * @param skippedSteps updates skipped so far because their loss or gradient norm was not finite
 *     ({@code training.skip_nonfinite_steps})
 */
public record TrainerState(
    @JsonProperty(value = "step", required = true) long step,
    @JsonProperty(value = "total_steps", required = true) long totalSteps,
    @JsonProperty(value = "rng_state", required = true) long rngState,
    @JsonProperty(value = "metrics_lines", required = true) long metricsLines,
    @JsonProperty(value = "metrics_sha256", required = true) String metricsSha256,
    @JsonProperty(value = "skipped_steps", required = true) long skippedSteps) {

  public TrainerState {
    if (step < 0 || step > totalSteps) {
      throw new IllegalArgumentException("step must be in [0, total_steps=" + totalSteps + "], got " + step);
    }
    if (metricsLines < 0 || skippedSteps < 0) {
      throw new IllegalArgumentException("metrics_lines and skipped_steps must be >= 0, got " + metricsLines
          + " and " + skippedSteps);
    }
    if (metricsSha256 == null || !metricsSha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("metrics_sha256 must be 64 hex digits, got " + metricsSha256);
    }
  }

  /** The state of a run that has done nothing yet. */
  public static TrainerState start(long totalSteps, long seed) {
    return new TrainerState(0, totalSteps, seed, 0, MetricsLog.EMPTY_SHA256, 0);
  }
}
