package com.example.odpo;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.Require;
import dev.align4j.core.Scalars;
import dev.align4j.losses.*;

/** DPO with an offset (ODPO, arXiv:2402.10571): {@code loss = −log σ(β·m − offset)}, m the DPO margin of summed log-probs. */
public final class OffsetDpo {
  private OffsetDpo() {}

  /** {@code {"type": "offset_dpo", "beta": B, "offset": D}}, validated like the built-ins. */
  public record Config(@JsonProperty(value = "beta", required = true) double beta,
                       @JsonProperty(value = "offset", required = true) double offset) implements LossConfig {
    public Config {
      Require.positive("beta", beta);
      Require.nonNegative("offset", offset);
    }

    public Loss create() { return new Loss(this); }
  }

  public record Loss(Config config) implements ReferenceBasedLoss {
    public NDArray losses(NDArray chosenLogRatio, NDArray rejectedLogRatio) {
      NDArray z = Scalars.mul(chosenLogRatio.sub(rejectedLogRatio), config.beta()); // β·m, autograd-safe
      return StableMath.logSigmoid(z.sub(config.offset())).neg();
    }

    public Aggregation aggregation() { return Aggregation.SUM; }
  }

  /** The name, listed in META-INF/services/dev.align4j.losses.LossType. */
  public static final class Type implements LossType {
    public String name() { return "offset_dpo"; }

    public Class<Config> configType() { return Config.class; }
  }
}
