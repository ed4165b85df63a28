package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.align4j.core.Scalars;
import java.util.Optional;

/**
 * Grouped-query self-attention (arXiv:2305.13245) as HF's {@code LlamaAttention} with eager attention:
 * {@code softmax(q k^T / sqrt(d) + bias) v}, query head {@code h} reading key/value head {@code h / groups}
 * ({@code repeat_kv}). Instead of repeating k and v, the {@code groups} query heads of one kv head are stacked
 * along the time axis, which is the same product without copies.
 */
final class Attention {
  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear o;
  private final int heads;
  private final int kvHeads;
  private final int headDim;

  Attention(Linear q, Linear k, Linear v, Linear o, LlamaConfig config) {
    this.q = q;
    this.k = k;
    this.v = v;
    this.o = o;
    this.heads = config.numAttentionHeads();
    this.kvHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
  }

  /**
   * @param x [B, T, hidden] (normed)
   * @param cos rotary cos [B, 1, T, d]
   * @param bias additive mask [B, 1, T, S] in fp32 (0 allowed, very negative masked), S = past + T
   * @param cache past keys/values of this layer, appended to
   */
  NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray bias, Optional<KvCache> cache, int layer) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int groups = heads / kvHeads;
    NDArray[] qkv = project(x, cos, sin);
    NDArray qs = qkv[0];
    NDArray ks = qkv[1];
    NDArray vs = qkv[2];
    if (cache.isPresent()) {
      NDArray[] kv = cache.get().append(layer, ks, vs);
      ks = kv[0];
      vs = kv[1];
    }
    long s = ks.getShape().get(2);
    // [B, kv, groups*T, d]: query heads of one kv head stacked along time
    NDArray qg = Scalars.mul(qs, 1.0 / Math.sqrt(headDim)).reshape(b, kvHeads, (long) groups * t, headDim);
    NDArray keysT = ks.transpose(0, 1, 3, 2); // [B, kv, d, S]
    // with a cache, ks is the cache's array and so is a view made from it: attach the view to this step's
    // manager, or every step would leave one behind in the cache's manager, holding the old cache's storage
    keysT.attach(x.getManager());
    NDArray scores = qg.matMul(keysT).reshape(b, heads, t, s); // [B, H, T, S]
    DataType type = scores.getDataType();
    if (type != DataType.FLOAT32) {
      scores = scores.toType(DataType.FLOAT32, false);
    }
    // in place: scores is the matmul's output, which autograd does not save; one [B, H, T, S] array less at a time
    NDArray probs = scores.addi(bias).softmax(-1);
    if (type != DataType.FLOAT32) {
      probs = probs.toType(type, false);
    }
    NDArray ctx = probs.reshape(b, kvHeads, (long) groups * t, s).matMul(vs);
    return output(ctx.reshape(b, heads, t, headDim));
  }

  /**
   * The rotated queries [B, H, T, d], rotated keys [B, KV, T, d] and values [B, KV, T, d] of normed {@code x}
   * [B, T, hidden].
   */
  NDArray[] project(NDArray x, NDArray cos, NDArray sin) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray qs = Rotary.apply(q.forward(x).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3), cos, sin);
    NDArray ks = Rotary.apply(k.forward(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3), cos, sin);
    NDArray vs = v.forward(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
    return new NDArray[] {qs, ks, vs};
  }

  /** The output projection of the attention context [B, H, T, d]: [B, T, hidden]. */
  NDArray output(NDArray ctx) {
    long b = ctx.getShape().get(0);
    long t = ctx.getShape().get(2);
    return o.forward(ctx.transpose(0, 2, 1, 3).reshape(new Shape(b, t, (long) heads * headDim)));
  }
}
