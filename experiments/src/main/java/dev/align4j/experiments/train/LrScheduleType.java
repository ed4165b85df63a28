package dev.align4j.experiments.train;

import dev.align4j.core.PluginType;
import dev.align4j.core.Registry;

/**
 * Registers an {@link LrSchedule} by name: list an implementation in
 * {@code META-INF/services/dev.align4j.experiments.train.LrScheduleType} and {@code "schedule": {"type": name()}}
 * binds to {@link #configType()}.
 */
public interface LrScheduleType extends PluginType<LrSchedule> {

  /** Every registered learning-rate schedule. */
  Registry<LrSchedule, LrScheduleType> REGISTRY = Registry.of(LrScheduleType.class, "learning-rate schedule");
}
