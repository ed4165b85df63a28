package dev.align4j.losses;

import dev.align4j.core.PluginType;
import dev.align4j.core.Registry;

/**
 * Registers a preference loss by name: list an implementation in {@code META-INF/services/dev.align4j.losses.LossType}
 * and {@code {"type": name(), ...}} binds to {@link #configType()} wherever a {@link LossConfig} is read (the
 * {@code loss} command, the {@code dpo}, {@code simpo} and {@code cdr} experiments, your own config records).
 *
 * <pre>{@code
 * public final class OffsetDpoType implements LossType {
 *   public String name() { return "offset_dpo"; }
 *   public Class<OffsetDpoConfig> configType() { return OffsetDpoConfig.class; }
 * }
 * }</pre>
 */
public interface LossType extends PluginType<LossConfig> {

  /** Every registered loss type. */
  Registry<LossConfig, LossType> REGISTRY = Registry.of(LossType.class, "loss type");
}
