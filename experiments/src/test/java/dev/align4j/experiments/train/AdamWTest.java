package dev.align4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {
  /*
   * Golden values from torch.optim.AdamW (python3-torch 1.13.1, Debian bookworm), float64:
   *
   *   p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64))
   *   opt = torch.optim.AdamW([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
   *   for g in GRADS: p.grad = torch.tensor(g, dtype=torch.float64); opt.step(); print(p.tolist())
   */
  private static final double[][] GRADS = {
    {0.1, -0.2, 0.3, 0.0}, {-0.5, 0.4, 0.0, 2.0}, {1.0, 1.0, -1.0, -0.25}
  };
  private static final double[][] TORCH_AFTER_STEP = {
    {0.989000001, -1.9880000005, 0.489500000333, 2.997},
    {0.993994542654, -1.98967303565, 0.482309918108, 2.98656163182},
    {0.989409139929, -1.9946702504, 0.486459864916, 2.97866007528},
  };
  private static final AdamWConfig CONFIG = new AdamWConfig(0.9, 0.999, 1e-8, 0.1);

  @Test
  void matchesTorchAdamWOnKnownValues() {
    try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(CONFIG, m)) {
      NDArray p = m.create(new double[] {1.0, -2.0, 0.5, 3.0}).reshape(new Shape(2, 2));
      p.setRequiresGradient(true);
      Map<String, NDArray> params = Map.of("w", p);
      for (int t = 0; t < GRADS.length; t++) {
        setGradient(m, p, GRADS[t]);
        opt.step(params, 0.01);
        assertArrayEquals(TORCH_AFTER_STEP[t], p.toDoubleArray(), 1e-9, "after step " + (t + 1));
      }
      assertEquals(3, opt.stepCount());
      try (NDArray g = p.getGradient()) {
        assertArrayEquals(new double[4], g.toDoubleArray(), 0.0, "step zeroes the gradient");
      }
    }
  }

  @Test
  void savedStateContinuesExactly(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        AdamW first = new AdamW(CONFIG, m);
        AdamW resumed = new AdamW(CONFIG, m)) {
      NDArray p = m.create(new double[] {1.0, -2.0, 0.5, 3.0}).reshape(new Shape(2, 2));
      p.setRequiresGradient(true);
      Map<String, NDArray> params = Map.of("w", p);
      setGradient(m, p, GRADS[0]);
      first.step(params, 0.01);
      Path file = dir.resolve("optimizer.bin");
      first.save(file);
      resumed.load(file);
      assertEquals(1, resumed.stepCount());
      setGradient(m, p, GRADS[1]);
      resumed.step(params, 0.01);
      assertArrayEquals(TORCH_AFTER_STEP[1], p.toDoubleArray(), 1e-9);
      assertEquals(true, Files.size(file) > 0);
    }
  }

  /*
   * Per-parameter step counts and dropped state, from torch.optim.AdamW (python3-torch 1.13, float64), lr 0.01,
   * betas (0.9, 0.999), eps 1e-8, weight_decay 0.1, params a = [1, -2], b = [0.5, 3]:
   *   step 1: a.grad = [0.1, -0.2], b.grad = None (frozen)        -> b untouched, state[b] absent
   *   step 2: a.grad = [-0.5, 0.4], b.grad = [0.3, 2.0]          -> state[a]['step'] = 2, state[b]['step'] = 1
   *   del opt.state[a]  (what LISA's layer switch does)
   *   step 3: a.grad = [1.0, 1.0], b.grad = [-1.0, -0.25]
   */
  private static final double[][] A_AFTER = {
    {0.9890000009999999, -1.9880000005}, {0.9939945426542334, -1.989673035654104},
    {0.9830005482115791, -1.9976833625184498}};
  private static final double[][] B_AFTER = {
    {0.5, 3.0}, {0.4895000003333333, 2.98700000005}, {0.49421381789154994, 2.978287654332846}};

  @Test
  void frozenParametersKeepTheirOwnStepCountAndForgottenStateStartsOver(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        AdamW opt = new AdamW(CONFIG, m);
        AdamW resumed = new AdamW(CONFIG, m)) {
      NDArray a = m.create(new double[] {1.0, -2.0});
      NDArray b = m.create(new double[] {0.5, 3.0});
      a.setRequiresGradient(true);
      Map<String, NDArray> params = new java.util.LinkedHashMap<>();
      params.put("a", a);
      params.put("b", b);

      setGradient(m, a, new double[] {0.1, -0.2});
      opt.step(params, 0.01);
      assertArrayEquals(A_AFTER[0], a.toDoubleArray(), 1e-12);
      assertArrayEquals(B_AFTER[0], b.toDoubleArray(), 0.0, "a frozen weight is not touched, not even decayed");
      assertEquals(java.util.Set.of("a"), opt.stateNames());

      b.setRequiresGradient(true);
      setGradient(m, a, new double[] {-0.5, 0.4});
      setGradient(m, b, new double[] {0.3, 2.0});
      opt.step(params, 0.01);
      assertArrayEquals(A_AFTER[1], a.toDoubleArray(), 1e-12);
      assertArrayEquals(B_AFTER[1], b.toDoubleArray(), 1e-12, "b's bias correction uses its own t = 1");

      // the state survives a save and load, per-parameter counts included
      Path file = dir.resolve("optimizer.bin");
      opt.save(file);
      resumed.load(file);
      assertEquals(2, resumed.stepCount());
      assertEquals(1, resumed.forget(name -> name.equals("a")));
      assertEquals(java.util.Set.of("b"), resumed.stateNames());
      setGradient(m, a, new double[] {1.0, 1.0});
      setGradient(m, b, new double[] {-1.0, -0.25});
      resumed.step(params, 0.01);
      assertArrayEquals(A_AFTER[2], a.toDoubleArray(), 1e-12, "a starts over at t = 1 with zero moments");
      assertArrayEquals(B_AFTER[2], b.toDoubleArray(), 1e-12);
    }
  }

  @Test
  void aFileWithoutPerParameterCountsGivesEveryParameterTheUpdateCount(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        AdamW first = new AdamW(CONFIG, m);
        AdamW resumed = new AdamW(CONFIG, m)) {
      NDArray p = m.create(new double[] {1.0, -2.0, 0.5, 3.0}).reshape(new Shape(2, 2));
      p.setRequiresGradient(true);
      Map<String, NDArray> params = Map.of("w", p);
      setGradient(m, p, GRADS[0]);
      first.step(params, 0.01);
      Path current = dir.resolve("optimizer.bin");
      first.save(current);
      // the format before per-parameter counts: the update count, then only the m: and v: arrays
      Path legacy = dir.resolve("legacy.bin");
      try (java.io.InputStream in = Files.newInputStream(current);
          java.io.OutputStream out = Files.newOutputStream(legacy)) {
        out.write(in.readNBytes(Long.BYTES));
        ai.djl.ndarray.NDList all = ai.djl.ndarray.NDList.decode(m, in);
        ai.djl.ndarray.NDList kept = new ai.djl.ndarray.NDList();
        all.stream().filter(a -> !a.getName().startsWith("t:")).forEach(kept::add);
        assertEquals(2, kept.size(), "m and v of w");
        kept.encode(out);
      }
      resumed.load(legacy);
      setGradient(m, p, GRADS[1]);
      resumed.step(params, 0.01);
      assertArrayEquals(TORCH_AFTER_STEP[1], p.toDoubleArray(), 1e-9);
    }
  }

  /** Makes p.grad equal to {@code g} through autograd: d(sum(p * g))/dp = g. */
  static void setGradient(NDManager m, NDArray p, double[] g) {
    try (NDManager scope = m.newSubManager();
        ai.djl.training.GradientCollector c = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
      NDArray target = scope.create(g).reshape(p.getShape());
      c.backward(p.mul(target).sum());
    }
  }
}
