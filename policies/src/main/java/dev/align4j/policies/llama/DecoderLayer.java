package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Optional;

/**
 * One pre-norm decoder block as HF's {@code LlamaDecoderLayer}:
 * {@code x = x + attn(rmsnorm1(x)); x = x + mlp(rmsnorm2(x))}.
 */
final class DecoderLayer {
  private final int index;
  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final Mlp mlp;

  DecoderLayer(int index, RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm, Mlp mlp) {
    this.index = index;
    this.inputNorm = inputNorm;
    this.attention = attention;
    this.postAttentionNorm = postAttentionNorm;
    this.mlp = mlp;
  }

  NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray bias, Optional<KvCache> cache) {
    NDArray h = x.add(attention.forward(inputNorm.forward(x), cos, sin, bias, cache, index));
    return h.add(mlp.forward(postAttentionNorm.forward(h)));
  }

  /**
   * The layer's output, values only, with {@link BlockAttention} instead of the [B, H, T, T] score matrix (call
   * with recording off).
   */
  NDArray forwardBlockwise(NDArray x, NDArray cos, NDArray sin, NDArray bias, TrainingAttention blocks) {
    NDArray[] qkv = attention.project(inputNorm.forward(x), cos, sin);
    BlockAttention.Saved att = BlockAttention.forward(qkv[0], qkv[1], qkv[2], bias, blocks.blockRows(),
        blocks.blockSequences());
    NDArray h = x.add(attention.output(att.out()));
    NDArray[] gu = mlp.gateUp(postAttentionNorm.forward(h));
    return h.add(mlp.down(Mlp.swiglu(gu[0], gu[1])));
  }

  /**
   * The layer run with recording on from a leaf input {@code x} (one that requires a gradient), with the two
   * parts whose saved activations dominate a layer's memory computed outside autograd's graph: the attention
   * ({@link BlockAttention}, no [B, H, T, T] array) and the SwiGLU product (only g and u kept, as Liger-Kernel's
   * fused SwiGLU does, instead of g, σ(g), silu(g), u). Autograd records four pieces, each ending at a leaf or at
   * arrays the next step of {@link Segment#backward} pushes a gradient into:
   *
   * <pre>
   *   A: x → q, k, v            (input norm, projections, rotary)
   *      attention(q, k, v) → O (BlockAttention, not recorded; O a leaf)
   *   B: O, x → h = x + o(O)    (h then detached into a leaf h')
   *   C: h' → g, u              (post-attention norm, gate and up projections)
   *      p = silu(g) u          (not recorded; p a leaf)
   *   D: h', p → out = h' + down(p)
   * </pre>
   *
   * The arrays a segment keeps are attached to {@code keep}; the other temporaries stay in the manager of
   * {@code x}, which the caller may close after this returns (autograd keeps what it saved).
   */
  Segment segment(NDArray x, NDArray cos, NDArray sin, NDArray bias, TrainingAttention blocks, NDManager keep) {
    NDArray[] qkv = attention.project(inputNorm.forward(x), cos, sin);
    BlockAttention.Saved att;
    try (Autograd.GradMode off = Autograd.noGrad()) {
      att = BlockAttention.forward(qkv[0], qkv[1], qkv[2], bias, blocks.blockRows(), blocks.blockSequences());
    }
    NDArray ctx = att.out();
    ctx.setRequiresGradient(true);
    NDArray h = x.add(attention.output(ctx));
    NDArray hLeaf = h.stopGradient();
    hLeaf.setRequiresGradient(true);
    NDArray[] gu = mlp.gateUp(postAttentionNorm.forward(hLeaf));
    NDArray p;
    try (Autograd.GradMode off = Autograd.noGrad()) {
      p = Mlp.swiglu(gu[0], gu[1]);
    }
    p.setRequiresGradient(true);
    NDArray out = hLeaf.add(mlp.down(p));
    for (NDArray a : new NDArray[] {qkv[0], qkv[1], qkv[2], ctx, att.lse(), h, hLeaf, gu[0], gu[1], p, out}) {
      a.attach(keep);
    }
    return new Segment(x, qkv, bias, new BlockAttention.Saved(ctx, att.lse()), h, hLeaf, gu, p, out, blocks);
  }

  /**
   * One layer's recorded pieces ({@link #segment}): {@link #output()} is a function of the leaf {@code input}
   * through four graphs, joined by {@link #backward}.
   */
  static final class Segment {
    private final NDArray input;
    private final NDArray[] qkv;
    private final NDArray bias;
    private final BlockAttention.Saved attention;
    private final NDArray h;
    private final NDArray hLeaf;
    private final NDArray[] gateUp;
    private final NDArray product;
    private final NDArray output;
    private final TrainingAttention blocks;

    private Segment(NDArray input, NDArray[] qkv, NDArray bias, BlockAttention.Saved attention, NDArray h,
        NDArray hLeaf, NDArray[] gateUp, NDArray product, NDArray output, TrainingAttention blocks) {
      this.input = input;
      this.qkv = qkv;
      this.bias = bias;
      this.attention = attention;
      this.h = h;
      this.hLeaf = hLeaf;
      this.gateUp = gateUp;
      this.product = product;
      this.output = output;
      this.blocks = blocks;
    }

    /** The layer's output [B, T, hidden], recorded. */
    NDArray output() {
      return output;
    }

    /**
     * Pushes {@code gradient} = dL/d{@link #output()} through the layer (call with recording on), piece by piece
     * from D back to A, each hand-written step in between; returns dL/d(input), which torch accumulated over
     * the residual (B) and the projections (A), in the manager of {@code gradient}.
     */
    NDArray backward(NDArray gradient) {
      // arrays are closed as soon as their step is done, so that the layer's activations leave memory while its
      // backward pass runs instead of after it (autograd frees what it saved as each piece is traversed)
      Autograd.backward(output, gradient); // D: dL/dp, and the residual part of dL/dh'
      NDArray dp = product.getGradient();
      product.close();
      NDArray[] dgu;
      try (Autograd.GradMode off = Autograd.noGrad()) {
        dgu = Mlp.swigluBackward(gateUp[0], gateUp[1], dp);
      }
      dp.close();
      Autograd.backward(gateUp, dgu); // C: adds the norm path to dL/dh'
      closeAll(gateUp[0], gateUp[1], dgu[0], dgu[1]);
      NDArray dh = hLeaf.getGradient();
      Autograd.backward(h, dh); // B: dL/dO, and the residual part of dL/dx
      closeAll(dh, h, hLeaf);
      NDArray dOut = attention.out().getGradient();
      NDArray[] dqkv;
      try (Autograd.GradMode off = Autograd.noGrad()) {
        dqkv = BlockAttention.backward(qkv[0], qkv[1], qkv[2], bias, attention, dOut, blocks.blockRows(),
            blocks.blockSequences());
      }
      closeAll(dOut, attention.out(), attention.lse());
      Autograd.backward(qkv, dqkv); // A: adds the projection path to dL/dx
      closeAll(dqkv[0], dqkv[1], dqkv[2], qkv[0], qkv[1], qkv[2]);
      NDArray below = input.getGradient();
      below.attach(gradient.getManager());
      return below;
    }

    private static void closeAll(NDArray... arrays) {
      for (NDArray a : arrays) {
        a.close();
      }
    }
  }
}
