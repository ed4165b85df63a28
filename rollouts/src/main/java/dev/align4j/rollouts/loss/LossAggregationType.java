package dev.align4j.rollouts.loss;

import dev.align4j.core.PluginType;
import dev.align4j.core.Registry;

/**
 * Registers a {@link LossAggregation} by name: list an implementation in
 * {@code META-INF/services/dev.align4j.rollouts.loss.LossAggregationType} and {@code "loss_type": {"type": name()}}
 * binds to {@link #configType()} (a record implementing {@link LossAggregation}).
 */
public interface LossAggregationType extends PluginType<LossAggregation> {

  /** Every registered loss type. */
  Registry<LossAggregation, LossAggregationType> REGISTRY = Registry.of(LossAggregationType.class, "loss type");
}
