package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.align4j.core.Scalars;

/** SwiGLU feed-forward (arXiv:2002.05202) as HF's {@code LlamaMLP}: {@code down(silu(gate(x)) * up(x))}. */
final class Mlp {
  private final Linear gate;
  private final Linear up;
  private final Linear down;

  Mlp(Linear gate, Linear up, Linear down) {
    this.gate = gate;
    this.up = up;
    this.down = down;
  }

  NDArray forward(NDArray x) {
    NDArray g = gate.forward(x);
    NDArray silu = g.mul(Activation.sigmoid(g));
    return down.forward(silu.mul(up.forward(x)));
  }

  /** The gate and up projections {g, u} of {@code x} (gate first, as {@link #forward} draws dropout). */
  NDArray[] gateUp(NDArray x) {
    NDArray g = gate.forward(x);
    return new NDArray[] {g, up.forward(x)};
  }

  /** The down projection of {@code p}. */
  NDArray down(NDArray p) {
    return down.forward(p);
  }

  /** {@code silu(g) ∘ u = g σ(g) u}, values only (call with recording off). */
  static NDArray swiglu(NDArray g, NDArray u) {
    try (NDArray s = Activation.sigmoid(g)) {
      return s.mul(g).muli(u);
    }
  }

  /**
   * The gradients {dg, du} of {@code p = g σ(g) u} from {@code dp} (call with recording off):
   * {@code du = dp g σ(g)}, {@code dg = dp u σ(g) (1 + g (1 − σ(g)))}.
   */
  static NDArray[] swigluBackward(NDArray g, NDArray u, NDArray dp) {
    NDArray s = Activation.sigmoid(g);
    NDArray du = dp.mul(g).muli(s);
    // 1 + g (1 - s) = 1 + g - g s
    NDArray factor = g.mul(s).negi().addi(g).addi(Scalars.sameType(g, 1.0));
    NDArray dg = factor.muli(s).muli(u).muli(dp);
    s.close();
    return new NDArray[] {dg, du};
  }
}
