package dev.align4j.experiments.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.align4j.policies.llama.Autograd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter, arXiv:1711.05101) as PyTorch's {@code torch.optim.AdamW} computes it, for each
 * parameter p with gradient g at step t = 1, 2, …:
 *
 * <pre>
 *   p ← p − lr·λ·p                              (decoupled weight decay)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + ε)   — written as PyTorch does:
 *   p ← p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + ε)
 * </pre>
 *
 * As in PyTorch, t counts the updates of that parameter (its own {@code state["step"]}): a parameter without a
 * gradient (frozen) is skipped and its t does not advance, and a parameter whose state was dropped
 * ({@link #forget}, LISA's layer switch) starts again from m = v = 0, t = 0. The moments live in a manager owned by
 * the optimizer; {@link #step} updates parameters in place and zeroes their gradients, so gradients of the next
 * step start from zero. State (t, m, v per parameter) is saved and restored exactly for resumed runs.
 */
public final class AdamW implements AutoCloseable {
  private final AdamWConfig config;
  private final NDManager stateManager;
  private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
  private final Map<String, Long> parameterSteps = new LinkedHashMap<>();
  private long step;

  /** An optimizer whose moment arrays are created under a child of {@code parent}. */
  public AdamW(AdamWConfig config, NDManager parent) {
    this.config = config;
    this.stateManager = parent.newSubManager();
  }

  /** Number of updates taken so far. */
  public long stepCount() {
    return step;
  }

  /** The names of the parameters the optimizer holds state (m, v, t) for, in the order they were first updated. */
  public java.util.Set<String> stateNames() {
    return java.util.Collections.unmodifiableSet(firstMoment.keySet());
  }

  /**
   * Drops the state of every parameter whose name matches {@code which} and frees its moments: the next update of
   * such a parameter starts from m = v = 0, t = 0, as in a freshly created PyTorch optimizer. Returns how many
   * parameters' state was dropped.
   */
  public int forget(java.util.function.Predicate<String> which) {
    int dropped = 0;
    for (var it = firstMoment.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (which.test(e.getKey())) {
        e.getValue().close();
        secondMoment.remove(e.getKey()).close();
        parameterSteps.remove(e.getKey());
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  /** Applies one update with learning rate {@code lr} to every parameter, then zeroes the gradients. */
  public void step(Map<String, NDArray> parameters, double lr) {
    step(parameters, lr, 1.0);
  }

  /**
   * As {@link #step(Map, double)} with every gradient multiplied by {@code gradScale} first (g ← s·g), which is how
   * {@link TrainStep} applies gradient-accumulation averaging and clipping without writing into the gradients.
   */
  public void step(Map<String, NDArray> parameters, double lr, double gradScale) {
    step++;
    double b1 = config.beta1();
    double b2 = config.beta2();
    // no graph, as torch.optim's step runs under no_grad: libtorch's grad mode is per thread and on by default, and
    // DJL turns it off only on the thread that started the engine; with it on, torch refuses the in-place update of
    // a weight that requires grad
    try (Autograd.GradMode off = Autograd.noGrad()) {
      update(parameters, lr, gradScale, b1, b2);
    }
  }

  private void update(Map<String, NDArray> parameters, double lr, double gradScale, double b1, double b2) {
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray p = e.getValue();
      if (!p.hasGradient()) {
        continue; // frozen parameter
      }
      NDArray m = firstMoment.computeIfAbsent(e.getKey(), k -> newZeros(p));
      NDArray v = secondMoment.computeIfAbsent(e.getKey(), k -> newZeros(p));
      long t = parameterSteps.merge(e.getKey(), 1L, Long::sum);
      double bias1 = 1 - Math.pow(b1, t);
      double sqrtBias2 = Math.sqrt(1 - Math.pow(b2, t));
      try (NDManager scope = stateManager.newSubManager()) {
        NDArray grad = p.getGradient();
        scope.attachAll(grad); // a handle onto p.grad; closing it keeps the gradient tensor
        scope.tempAttachAll(m, v); // temporaries derived from m and v die with the scope
        // the same arithmetic as m = b1·m + (1−b1)·g, v = b2·v + (1−b2)·g², p −= lr/bias1 · m / (√v/√bias2 + ε),
        // with each temporary closed as soon as it is used: at most two parameter-sized temporaries are alive
        // (as torch.optim's in-place update), not five (1 GB at a 128k-vocabulary embedding)
        NDArray g = gradScale == 1.0 ? grad : grad.mul(gradScale);
        NDArray t1 = g.mul(1 - b1);
        m.muli(b1).addi(t1);
        t1.close();
        NDArray t2 = g.square();
        if (g != grad) {
          g.close();
        }
        v.muli(b2).addi(t2.muli(1 - b2));
        t2.close();
        if (config.weightDecay() > 0) {
          p.muli(1 - lr * config.weightDecay());
        }
        NDArray denom = v.sqrt().divi(sqrtBias2).addi(config.epsilon());
        NDArray update = m.div(denom);
        denom.close();
        p.subi(update.muli(lr / bias1));
        update.close();
        grad.subi(grad);
      }
    }
  }

  private NDArray newZeros(NDArray like) {
    return stateManager.zeros(like.getShape(), like.getDataType(), like.getDevice());
  }

  /**
   * Writes the update count and, per parameter, the moments (exact float values) and its own t: an 8-byte
   * big-endian update count, then a DJL {@code NDList} of arrays named {@code m:<name>}, {@code v:<name>} and
   * {@code t:<name>} (int64 [1]).
   */
  public void save(Path file) throws IOException {
    try (NDManager scope = stateManager.newSubManager()) {
      NDList list = new NDList();
      for (String name : firstMoment.keySet()) {
        list.add(named(firstMoment.get(name), "m:" + name));
        list.add(named(secondMoment.get(name), "v:" + name));
        list.add(named(scope.create(new long[] {parameterSteps.get(name)}), "t:" + name));
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        out.write(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        list.encode(out);
      }
    }
  }

  /**
   * Restores what {@link #save} wrote; replaces any current state. A file without {@code t:} entries (written
   * before per-parameter counts existed) gives every parameter t = the update count, which is what it was.
   */
  public void load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      step = java.nio.ByteBuffer.wrap(in.readNBytes(Long.BYTES)).getLong();
      NDList list = NDList.decode(stateManager, in);
      forget(name -> true);
      Map<String, Long> counts = new LinkedHashMap<>();
      for (NDArray a : list) {
        String name = a.getName();
        String param = name.substring(2);
        if (name.startsWith("t:")) {
          counts.put(param, a.toLongArray()[0]);
          a.close();
        } else {
          (name.startsWith("m:") ? firstMoment : secondMoment).put(param, a);
        }
      }
      for (String name : firstMoment.keySet()) {
        parameterSteps.put(name, counts.getOrDefault(name, step));
      }
    }
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }

  @Override
  public void close() {
    stateManager.close();
  }
}
