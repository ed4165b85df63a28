package dev.align4j.experiments.recipes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.Require;
import dev.align4j.policies.lora.LoraConfig;
import dev.align4j.policies.lora.LoraInit;
import dev.align4j.policies.lora.TargetModule;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code "lora"} block of a recipe (Hu et al., arXiv:2106.09685, as PEFT's {@code LoraConfig}): adapters
 * {@code y = x W^T + (alpha / r) · dropout(x) A^T B^T} on the named projections of every decoder layer; only A and B
 * train, and the run's reference is the same base with the adapters off.
 *
 * <pre>{@code
 * "lora": {"r": 16, "alpha": 32, "dropout": 0.05,
 *          "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}
 * }</pre>
 *
 * A is initialised as PEFT's default (Kaiming-uniform) from the run's {@code training.seed}, B at zero; dropout acts
 * in training forward passes only (not while sampling or scoring).
 *
 * @param r rank, ≥ 1
 * @param alpha scale numerator (the adapter output is multiplied by alpha / r), finite and &gt; 0
 * @param dropout on the adapter input, in [0, 1)
 * @param targetModules projections to adapt, non-empty, each one of q_proj, k_proj, v_proj, o_proj, gate_proj,
 *     up_proj, down_proj, no repeats
 */
public record LoraSettings(
    @JsonProperty("r") int r,
    @JsonProperty("alpha") double alpha,
    @JsonProperty("dropout") double dropout,
    @JsonProperty("target_modules") List<String> targetModules) {

  public LoraSettings {
    if (r < 1) {
      throw new InvalidConfigException("r", "must be >= 1, got " + r);
    }
    Require.positive("alpha", alpha);
    Require.inClosedOpen("dropout", dropout, 0, 1, "");
    if (targetModules.isEmpty()) {
      throw new InvalidConfigException("target_modules", "must name at least one of " + known());
    }
    Set<TargetModule> seen = EnumSet.noneOf(TargetModule.class);
    for (String name : targetModules) {
      TargetModule m = module(name);
      if (!seen.add(m)) {
        throw new InvalidConfigException("target_modules", "lists " + name + " twice");
      }
    }
    targetModules = List.copyOf(targetModules);
  }

  /** The adapted projections. */
  public Set<TargetModule> modules() {
    Set<TargetModule> out = EnumSet.noneOf(TargetModule.class);
    targetModules.forEach(name -> out.add(module(name)));
    return out;
  }

  /** The policies-side config: A drawn from {@code seed}, {@code base} written as PEFT's base_model_name_or_path. */
  public LoraConfig toLoraConfig(long seed, String base) {
    return new LoraConfig(r, alpha, dropout, modules(), LoraInit.KAIMING_UNIFORM, seed, base);
  }

  /** Whether an adapter folder's config (r, alpha, dropout, targets) is this one. */
  boolean matches(LoraConfig stored) {
    return stored.rank() == r && stored.alpha() == alpha && stored.dropout() == dropout
        && stored.targetModules().equals(modules());
  }

  private static TargetModule module(String name) {
    for (TargetModule m : TargetModule.values()) {
      if (m.peftName().equals(name)) {
        return m;
      }
    }
    throw new InvalidConfigException("target_modules", "has '" + name + "'; allowed: " + known());
  }

  private static String known() {
    return String.join(", ", Arrays.stream(TargetModule.values()).map(TargetModule::peftName).toList());
  }
}
