package dev.align4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Clipping as production does it: {@link TrainStep} measures the global norm and scales AdamW's gradients. */
class GradientClippingTest {
  @Test
  void theGlobalNormSpansEveryParameterAndTheFactorIsTorchs() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new double[] {0, 0});
      NDArray b = m.create(new double[] {0});
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      AdamWTest.setGradient(m, a, new double[] {3, 0});
      AdamWTest.setGradient(m, b, new double[] {4});
      assertEquals(5.0, GradientClipping.globalNorm(List.of(a, b)), 1e-12, "sqrt(3² + 4²) across both parameters");
      assertEquals(1.0 / (5.0 + 1e-6), GradientClipping.coefficient(5.0, 1.0), 1e-15, "clip_grad_norm_'s factor");
      assertEquals(1.0, GradientClipping.coefficient(0.5, 1.0), 0.0, "small gradients are left alone");
    }
  }

  /*
   * Golden values from torch (python3-torch 1.13, Debian bookworm), float64: two updates of AdamW(lr 0.01, betas
   * (0.9, 0.999), eps 1e-8, no weight decay) on p = [1, -2], the first over two micro-batches of sizes 1 and 3 with
   * mean losses p·[4, 0] and p·[2, 4] (gradient [2.5, 3], norm 3.905..., clipped to 1), the second over one
   * micro-batch with loss p·[0.3, -0.1] (norm 0.316..., not clipped):
   *
   *   loss = sum(n * (p * g).sum() for n, g in micro) / sum(n); loss.backward()
   *   norm = torch.nn.utils.clip_grad_norm_([p], 1.0); opt.step()
   *
   * Without clipping the second update would end at [0.98246015..., -2.01644882...].
   */
  private static final double[] TORCH_NORMS = {3.905124837953327, 0.31622776601683794};
  private static final double[] TORCH_AFTER = {0.9807742113652571, -2.01568345128693};

  @Test
  void trainStepClipsLikeClipGradNormThenAdamW() {
    double[][][] micro = {{{4, 0}, {2, 4}}, {{0.3, -0.1}}};
    double[][] sizes = {{1, 3}, {1}};
    try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(AdamWConfig.DEFAULT, m)) {
      NDArray p = m.create(new double[] {1.0, -2.0});
      p.setRequiresGradient(true);
      TrainStep step = new TrainStep(Map.of("p", p), opt, 1.0, m);
      for (int s = 0; s < 2; s++) {
        double[][] g = micro[s];
        double[] n = sizes[s];
        List<Integer> batches = s == 0 ? List.of(0, 1) : List.of(0);
        StepResult r = step.run(batches, 0.01, MicroBatchLoss.of(i -> n[i], (scope, i) -> new MicroBatchResult(
            p.mul(scope.create(g[i])).sum(), n[i], Map.of())));
        assertEquals(TORCH_NORMS[s], r.gradNorm(), 1e-12, "grad_norm before clipping, update " + (s + 1));
        assertEquals(true, r.applied());
      }
      assertArrayEquals(TORCH_AFTER, p.toDoubleArray(), 1e-12);
    }
  }
}
