package dev.align4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainStepTest {
  private static final int BATCH = 32;
  private static final int DIM = 5;

  /** Logistic regression on fixed data: one update over 32 examples, split as given. */
  private static float[] updateWith(int microBatches) {
    RunRandom rng = new RunRandom(7);
    float[][] x = new float[BATCH][DIM];
    float[] y = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      for (int j = 0; j < DIM; j++) {
        x[i][j] = (float) (rng.nextDouble() * 2 - 1);
      }
      y[i] = rng.nextDouble() < 0.5 ? 0f : 1f;
    }
    try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(AdamWConfig.DEFAULT, m)) {
      NDArray w = m.create(new float[] {0.1f, -0.2f, 0.3f, 0.0f, 0.05f}).reshape(new Shape(DIM, 1));
      w.setRequiresGradient(true);
      TrainStep step = new TrainStep(Map.of("w", w), opt, 0.5, m);
      int per = BATCH / microBatches;
      List<int[]> micro = new ArrayList<>();
      for (int k = 0; k < microBatches; k++) {
        micro.add(new int[] {k * per, (k + 1) * per});
      }
      StepResult r = step.run(micro, 1e-2, new MicroBatchLoss<int[]>() {
        @Override
        public double weight(int[] range) {
          return range[1] - range[0];
        }

        @Override
        public MicroBatchResult compute(NDManager scope, int[] range) {
        int n = range[1] - range[0];
        float[] flat = new float[n * DIM];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
          System.arraycopy(x[range[0] + i], 0, flat, i * DIM, DIM);
          labels[i] = y[range[0] + i];
        }
        NDArray logits = scope.create(flat, new Shape(n, DIM)).matMul(w).squeeze(1);
        NDArray yy = scope.create(labels);
        // binary cross-entropy with logits, mean over the micro-batch
        NDArray loss = logits.exp().add(1).log().sub(logits.mul(yy)).mean();
        return new MicroBatchResult(loss, n, Map.of("label_mean", (double) yy.mean().getFloat()));
        }
      });
      assertEquals(r.metrics().get("label_mean"), mean(y), 1e-6, "metrics are size-weighted means");
      return w.toFloatArray();
    }
  }

  private static double mean(float[] v) {
    double s = 0;
    for (float f : v) {
      s += f;
    }
    return s / v.length;
  }

  @Test
  void accumulatingSixteenMicroBatchesOfTwoEqualsOneBatchOfThirtyTwo() {
    float[] whole = updateWith(1);
    float[] accumulated = updateWith(16);
    assertArrayEquals(whole, accumulated, 1e-6f);
    float[] initial = {0.1f, -0.2f, 0.3f, 0.0f, 0.05f};
    assertEquals(false, java.util.Arrays.equals(initial, whole), "the update moved the weights");
  }
}
