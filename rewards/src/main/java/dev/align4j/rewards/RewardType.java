package dev.align4j.rewards;

import dev.align4j.core.PluginType;
import dev.align4j.core.Registry;

/**
 * Registers an RL reward by name: list an implementation in {@code META-INF/services/dev.align4j.rewards.RewardType}
 * and {@code "reward": {"type": name(), ...}} binds to {@link #configType()}.
 *
 * <pre>{@code
 * public final class LengthRewardType implements RewardType {
 *   public String name() { return "length"; }
 *   public Class<LengthRewardConfig> configType() { return LengthRewardConfig.class; }
 * }
 * }</pre>
 */
public interface RewardType extends PluginType<RewardConfig> {

  /** Every registered reward type. */
  Registry<RewardConfig, RewardType> REGISTRY = Registry.of(RewardType.class, "reward type");
}
