package dev.align4j.policies.score;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.llama.TrainingAttention;
import dev.align4j.policies.testing.PeakMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Run in a fresh JVM by {@link TrainingMemoryPeakTest}: forward + backward steps of {@code −Σ log p} over N scored
 * tokens on a random model, printing {@code peak_kb_<path>_<N>=} (peak resident growth during one step, after a
 * warm-up step of that path that allocated the weights' gradients).
 *
 * <p>Arguments: {@code paths vocab hidden layers chunkRows rowLength N...}; {@code paths} is a comma-separated list
 * of {@code onepass} ({@link TokenLogProbs} under the collector), {@code chunked} ({@link ChunkedLogProbs} with
 * blockwise attention), {@code eager} (chunked with eager attention), {@code checkpointed} (chunked with gradient
 * checkpointing) and {@code eagercheckpointed}; N scored tokens come in rows of at most {@code rowLength}.
 */
public final class TrainingPeakProbe {
  private TrainingPeakProbe() {}

  public static void main(String[] args) {
    List<String> paths = List.of(args[0].split(","));
    int vocab = Integer.parseInt(args[1]);
    int hidden = Integer.parseInt(args[2]);
    int layers = Integer.parseInt(args[3]);
    int chunkRows = Integer.parseInt(args[4]);
    int row = Integer.parseInt(args[5]);
    LlamaConfig config = LlamaConfig.small(vocab, hidden, 3 * hidden, layers, 4, 2);
    try (LlamaModel model = LlamaModel.randomInit(config, 1L, LoadOptions.cpu())) {
      for (NDArray p : model.parameters().values()) {
        p.setRequiresGradient(true);
      }
      for (String path : paths) {
        model.setGradientCheckpointing(path.endsWith("checkpointed"));
        model.setTrainingAttention(path.startsWith("eager") ? TrainingAttention.EAGER : TrainingAttention.BLOCKWISE);
        step(model, batch(16, row, vocab), path, chunkRows); // allocates every weight's .grad
        for (int i = 6; i < args.length; i++) {
          int n = Integer.parseInt(args[i]);
          SequenceBatch b = batch(n, row, vocab);
          long kb = PeakMemory.peakGrowthKb(() -> step(model, b, path, chunkRows));
          System.out.println("peak_kb_" + path + "_" + n + "=" + kb);
        }
      }
    }
  }

  /**
   * n scored tokens: rows of at most {@code row} + 1 random tokens, all but the first scored (short rows, so that
   * attention's [T, T] arrays stay small next to [n, vocab]).
   */
  static SequenceBatch batch(int n, int row, int vocab) {
    SplittableRandom rng = new SplittableRandom(n);
    List<int[]> rows = new ArrayList<>();
    for (int left = n; left > 0; left -= row) {
      int[] tokens = new int[Math.min(row, left) + 1];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = rng.nextInt(vocab);
      }
      rows.add(tokens);
    }
    int[] starts = new int[rows.size()];
    Arrays.fill(starts, 1);
    return SequenceBatch.rightPadded(rows, starts, 0);
  }

  static void step(LlamaModel model, SequenceBatch batch, String path, int chunkRows) {
    model.zeroGradients();
    try (NDManager scope = model.manager().newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      if (path.equals("onepass")) {
        gc.backward(TokenLogProbs.compute(model, batch, scope, chunkRows).sums().sum().neg());
      } else {
        ChunkedLogProbs lp = ChunkedLogProbs.forward(model, batch, scope, chunkRows);
        gc.backward(lp.logProbs().sums().sum().neg());
        lp.backward();
      }
    }
  }
}
