package dev.align4j.rollouts.advantage;

import dev.align4j.core.PluginType;
import dev.align4j.core.Registry;

/**
 * Registers an {@link AdvantageEstimator} by name: list an implementation in
 * {@code META-INF/services/dev.align4j.rollouts.advantage.AdvantageType} and {@code "advantage": {"type": name()}}
 * binds to {@link #configType()}.
 */
public interface AdvantageType extends PluginType<AdvantageEstimator> {

  /** Every registered advantage estimator. */
  Registry<AdvantageEstimator, AdvantageType> REGISTRY = Registry.of(AdvantageType.class, "advantage estimator");
}
