package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.train.AdamW;
import dev.align4j.experiments.train.AdamWConfig;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.experiments.train.TrainStep;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.testing.PeakMemory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Run in a fresh JVM by {@link LisaMemoryPeakTest}: {@code updates} AdamW updates of a random 8-layer model (vocab
 * 256, hidden 256, MLP 688: the decoder layers hold almost every weight), with full fine-tuning or LISA (γ = 1,
 * K = 2, so the updates cross layer switches), on two rows of 32 tokens (small activations); prints
 * {@code peak_kb=} (peak resident growth over all updates, from after the model was built) and {@code weights=}
 * (the model's scalar count).
 *
 * <p>Arguments: {@code full|lisa updates}.
 */
public final class LisaPeakProbe {
  private LisaPeakProbe() {}

  public static void main(String[] args) {
    boolean lisa = args[0].equals("lisa");
    int updates = Integer.parseInt(args[1]);
    LlamaConfig config = LlamaConfig.small(256, 256, 688, 8, 4, 2);
    SplittableRandom rng = new SplittableRandom(5);
    SequenceBatch batch = SequenceBatch.rightPadded(
        List.of(rng.ints(33, 0, 256).toArray(), rng.ints(33, 0, 256).toArray()), new int[] {1, 1}, 0);
    try (LlamaModel model = LlamaModel.randomInit(config, 1L, LoadOptions.cpu());
        Tuning tuning = Tuning.attach(model, Optional.empty(),
            lisa ? Optional.of(new LisaSettings(1, 2)) : Optional.empty(), 9L, "", Optional.empty());
        NDManager root = model.manager().newSubManager();
        AdamW adamw = new AdamW(AdamWConfig.DEFAULT, root)) {
      tuning.enableGradients();
      TrainStep step = new TrainStep(tuning.parameters(), adamw, 1.0, root);
      long kb = PeakMemory.peakGrowthKb(() -> {
        for (int s = 0; s < updates; s++) {
          tuning.beforeUpdate(s, adamw);
          step.run(List.of(batch), 1e-3, MicroBatchLoss.of(b -> 1.0, (scope, b) -> {
            ChunkedLogProbs forward = ChunkedLogProbs.forward(model, b, scope);
            return new MicroBatchResult(forward.logProbs().sums().sum().neg(), 1, Map.of(), List.of(forward));
          }));
          tuning.afterUpdate(s);
        }
      });
      System.out.println("peak_kb=" + kb);
      System.out.println("weights=" + model.parameterCount());
    }
  }
}
