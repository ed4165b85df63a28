package dev.align4j.experiments.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Learning-rate multiplier per optimizer step, as Hugging Face's {@code get_*_schedule_with_warmup} defines it.
 * With W = ceil(warmup_ratio · N) warmup steps out of N and s = 0, 1, …, N−1 the index of the update:
 *
 * <pre>
 *   warmup (s &lt; W):  s / W
 *   constant:        1
 *   linear:          max(0, (N − s) / (N − W))
 *   cosine:          max(0, ½ · (1 + cos(π · (s − W) / (N − W))))
 * </pre>
 *
 * JSON: {@code {"type": "linear", "warmup_ratio": 0.03}}. As in HF, the first update of a run with warmup has
 * learning rate 0.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = LrSchedule.Constant.class, name = "constant"),
  @JsonSubTypes.Type(value = LrSchedule.Linear.class, name = "linear"),
  @JsonSubTypes.Type(value = LrSchedule.Cosine.class, name = "cosine")
})
public sealed interface LrSchedule {

  /** Fraction of the updates spent warming up, in [0, 1). */
  double warmupRatio();

  /** The multiplier after warmup, for progress p = (s − W) / (N − W) in [0, 1). */
  double decay(double progress);

  /** The learning-rate multiplier for update {@code step} (0-based) of {@code totalSteps}. */
  default double multiplier(long step, long totalSteps) {
    if (totalSteps < 1 || step < 0) {
      throw new IllegalArgumentException("need totalSteps >= 1 and step >= 0, got " + step + " of " + totalSteps);
    }
    long warmup = warmupSteps(totalSteps);
    if (step < warmup) {
      return (double) step / warmup;
    }
    return Math.max(0.0, decay((double) (step - warmup) / Math.max(1, totalSteps - warmup)));
  }

  /** W = ceil(warmup_ratio · N), HF's {@code TrainingArguments.get_warmup_steps}. */
  default long warmupSteps(long totalSteps) {
    return (long) Math.ceil(warmupRatio() * totalSteps);
  }

  private static double checkRatio(double warmupRatio) {
    if (!(warmupRatio >= 0 && warmupRatio < 1)) {
      throw new dev.align4j.core.InvalidConfigException("warmup_ratio", "must be in [0, 1), got " + warmupRatio);
    }
    return warmupRatio;
  }

  /** Constant after warmup. */
  record Constant(@JsonProperty("warmup_ratio") double warmupRatio) implements LrSchedule {
    public Constant {
      checkRatio(warmupRatio);
    }

    @Override
    public double decay(double progress) {
      return 1.0;
    }
  }

  /** Linear decay to 0 after warmup (open-instruct's and the Tulu recipes' choice). */
  record Linear(@JsonProperty("warmup_ratio") double warmupRatio) implements LrSchedule {
    public Linear {
      checkRatio(warmupRatio);
    }

    @Override
    public double decay(double progress) {
      return 1.0 - progress;
    }
  }

  /** Half-cosine decay to 0 after warmup. */
  record Cosine(@JsonProperty("warmup_ratio") double warmupRatio) implements LrSchedule {
    public Cosine {
      checkRatio(warmupRatio);
    }

    @Override
    public double decay(double progress) {
      return 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }
  }
}
