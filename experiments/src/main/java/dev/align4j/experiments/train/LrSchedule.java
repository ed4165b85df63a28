package dev.align4j.experiments.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import dev.align4j.core.RegistryTypeResolver;

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
 *
 * <p>An open plug-in point: a record implementing this interface plus an {@link LrScheduleType} listed in
 * {@code META-INF/services/dev.align4j.experiments.train.LrScheduleType} is usable by its name in every
 * {@code "schedule"}; the built-ins ({@code constant}, {@code linear}, {@code cosine}) register the same way.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeIdResolver(LrSchedule.Types.class)
public interface LrSchedule {

  /** Binds {@code "type"} to the records of {@link LrScheduleType#REGISTRY}. */
  final class Types extends RegistryTypeResolver<LrSchedule> {
    public Types() {
      super(LrScheduleType.REGISTRY);
    }
  }

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

  /** Checks a warmup ratio is in [0, 1); for schedules' constructors. */
  static double checkRatio(double warmupRatio) {
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

    /** Registers {@code "constant"}. */
    public static final class Type implements LrScheduleType {
      @Override
      public String name() {
        return "constant";
      }

      @Override
      public Class<Constant> configType() {
        return Constant.class;
      }
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

    /** Registers {@code "linear"}. */
    public static final class Type implements LrScheduleType {
      @Override
      public String name() {
        return "linear";
      }

      @Override
      public Class<Linear> configType() {
        return Linear.class;
      }
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

    /** Registers {@code "cosine"}. */
    public static final class Type implements LrScheduleType {
      @Override
      public String name() {
        return "cosine";
      }

      @Override
      public Class<Cosine> configType() {
        return Cosine.class;
      }
    }
  }
}
