package dev.align4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.policies.llama.Autograd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

  /**
   * libtorch's grad mode is per thread, and DJL turns it off only on the thread that starts the engine: on any other
   * thread it is on (e.g. a Spark executor thread started the engine, then a run trains on the main thread). An
   * update there must work (AdamW and the gradient reset run without recording, as {@code torch.optim}'s step runs
   * under {@code no_grad}; otherwise torch refuses the in-place update of a leaf that requires grad) and leave the
   * thread's mode as it found it.
   */
  @Test
  @Timeout(120)
  void anUpdateWorksOnAThreadWhoseGradModeIsOn() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    float[][] updated = new float[1][];
    boolean[] recordingAfter = new boolean[1];
    Thread other = new Thread(() -> {
      try (Autograd.GradMode on = Autograd.enableGrad()) { // the mode of a thread that did not start the engine
        updated[0] = updateWith(2);
        recordingAfter[0] = Autograd.isRecording();
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    other.start();
    other.join();
    if (failure.get() != null) {
      throw new AssertionError("an update on a thread with grad mode on failed", failure.get());
    }
    assertTrue(recordingAfter[0], "the thread's grad mode is as it was");
    assertArrayEquals(updateWith(2), updated[0], 0f, "the same update as on this thread");
  }

  @Test
  void accumulatingSixteenMicroBatchesOfTwoEqualsOneBatchOfThirtyTwo() {
    float[] whole = updateWith(1);
    float[] accumulated = updateWith(16);
    assertArrayEquals(whole, accumulated, 1e-6f);
    float[] initial = {0.1f, -0.2f, 0.3f, 0.0f, 0.05f};
    assertEquals(false, java.util.Arrays.equals(initial, whole), "the update moved the weights");
  }

  /**
   * loss = sqrt(p) at p = 0 is finite (0) but its gradient is +inf; loss = 0 · log(p) at p = -1 is NaN (with a
   * finite gradient, 0). Neither
   * update is applied, the gradients are reset (an inf or NaN gradient minus itself would stay NaN), and the next
   * finite update is exactly what a fresh optimizer would make.
   */
  @Test
  void anUpdateWithANonFiniteGradientNormOrLossIsNotApplied() {
    try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(AdamWConfig.DEFAULT, m);
        AdamW fresh = new AdamW(AdamWConfig.DEFAULT, m)) {
      NDArray p = m.create(new double[] {0.0, -1.0});
      p.setRequiresGradient(true);
      TrainStep step = new TrainStep(Map.of("p", p), opt, 1.0, m);

      StepResult infGrad = step.run(List.of(0), 0.1, MicroBatchLoss.of(i -> 1.0, (scope, i) -> new MicroBatchResult(
          p.get(0).sqrt(), 1, Map.of())));
      assertEquals(0.0, infGrad.loss());
      assertEquals(Double.POSITIVE_INFINITY, infGrad.gradNorm());
      assertEquals(false, infGrad.applied());
      assertEquals("grad_norm is Infinity", infGrad.nonFinite());

      StepResult nanLoss = step.run(List.of(0), 0.1, MicroBatchLoss.of(i -> 1.0, (scope, i) -> new MicroBatchResult(
          p.get(1).log().mul(scope.create(0.0)), 1, Map.of())));
      assertEquals(true, Double.isNaN(nanLoss.loss()));
      assertEquals(false, nanLoss.applied());
      assertEquals("loss is NaN", nanLoss.nonFinite(), "d(0 · log p)/dp = 0: only the loss is not finite");

      assertArrayEquals(new double[] {0.0, -1.0}, p.toDoubleArray(), 0.0, "the weights are untouched");
      assertEquals(0, opt.stepCount(), "AdamW took no step");
      try (NDArray g = p.getGradient()) {
        assertArrayEquals(new double[2], g.toDoubleArray(), 0.0, "the gradients were reset to 0");
      }

      // a finite update now equals one from a fresh optimizer on the same weights
      NDArray q = m.create(new double[] {0.0, -1.0});
      q.setRequiresGradient(true);
      step.run(List.of(0), 0.1, MicroBatchLoss.of(i -> 1.0, (scope, i) -> new MicroBatchResult(
          p.mul(scope.create(new double[] {0.5, 2})).sum(), 1, Map.of())));
      new TrainStep(Map.of("q", q), fresh, 1.0, m).run(List.of(0), 0.1, MicroBatchLoss.of(i -> 1.0,
          (scope, i) -> new MicroBatchResult(q.mul(scope.create(new double[] {0.5, 2})).sum(), 1, Map.of())));
      assertArrayEquals(q.toDoubleArray(), p.toDoubleArray(), 0.0);
      assertEquals(1, opt.stepCount());
    }
  }
}
