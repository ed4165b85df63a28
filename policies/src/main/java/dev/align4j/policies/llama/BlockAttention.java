package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.align4j.core.Scalars;

/**
 * Memory-efficient causal attention for training: the softmax attention of {@link Attention}, computed one block
 * of query rows at a time and outside autograd's graph, with a hand-written backward pass that recomputes each
 * block (the recomputation of FlashAttention, arXiv:2205.14135, Algorithm 2, with whole key rows per block instead
 * of an online softmax). No [B, H, T, S] array exists at any time, and none is saved for the backward pass; what
 * is kept per layer is the output O [B, H, T, d] and the row log-sum-exp L [B, H, T]. Blocks are a grid of
 * sequences × query rows; the sequences per block bound a block's memory.
 *
 * <p>The block of query rows {@code [s0, s1)} reads keys {@code [0, s1)} only: keys after the block's last row
 * are masked for all its rows by causality, so the blocks skip the upper triangle of the score matrix (about half
 * the score work at long sequences). The bias is the model's additive mask (0 allowed, -1e9 masked); a row
 * whose keys are all masked (a padding position before any real token) gets a uniform distribution over its
 * block's keys where the eager path spreads it over all keys; such rows are padding, never scored, and reach no
 * real position (they are masked as keys), so scored log-probs and every gradient are the same either way.
 *
 * <p>Per block, with {@code q' = q / sqrt(d)}, {@code S = q' kᵀ + bias}, {@code L = logsumexp(S)},
 * {@code P = exp(S - L)}, {@code O = P v}; backward from {@code dO}, with {@code D = rowsum(dO ∘ O)}:
 *
 * <pre>
 *   dv += Pᵀ dO      dP = dO vᵀ      dS = P ∘ (dP − D)      dq = dS k / sqrt(d)      dk += dSᵀ q'
 * </pre>
 *
 * Grouped-query attention stacks the {@code H / KV} query heads of one kv head along the time axis (as
 * {@link Attention} does), so k and v are read without copies and their gradients sum over the group by the
 * matrix products themselves. Scores, probabilities and dS are fp32; products run in the compute type.
 */
final class BlockAttention {
  /** Score elements of one sequence's block of rows at most (fp32: 16 MiB), unless rows are down to 16. */
  static final long ROW_ELEMENTS = 1L << 22;
  /** Score elements per block across the sequences it takes (fp32: 32 MiB); fixes the sequences per block. */
  static final long BLOCK_ELEMENTS = 1L << 23;
  /** Query rows per block at most. */
  static final long MAX_ROWS = 128;

  private BlockAttention() {}

  /** What the forward pass keeps for the backward pass: the output and the row log-sum-exp. */
  record Saved(NDArray out, NDArray lse) {}

  /**
   * Query rows per block: {@code requested} when positive, else {@link #MAX_ROWS}, halved (down to 16) while one
   * sequence's block of scores would exceed {@link #ROW_ELEMENTS}: 128 rows up to 4096 keys with 8 heads, 64 at
   * 2048 keys with 32 heads.
   */
  static long blockRows(int heads, long keys, int requested) {
    if (requested > 0) {
      return requested;
    }
    long fit = ROW_ELEMENTS / Math.max(1, (long) heads * keys);
    long rows = MAX_ROWS;
    while (rows > 16 && rows > fit) {
      rows /= 2;
    }
    return rows;
  }

  /** Sequences per block: {@code requested} when positive, else as many as keep a block's scores within {@link #BLOCK_ELEMENTS} (at least 1). */
  static long blockSequences(int heads, long rows, long keys, int requested) {
    if (requested > 0) {
      return requested;
    }
    return Math.max(1, BLOCK_ELEMENTS / Math.max(1, heads * rows * keys));
  }

  /**
   * The attention output, values only (call with recording off).
   *
   * @param qs rotated queries [B, H, T, d]
   * @param ks rotated keys [B, KV, T, d]
   * @param vs values [B, KV, T, d]
   * @param bias additive fp32 mask [B, 1, T, T]
   * @param requestedRows rows per block, or 0 for the default
   * @param requestedSequences sequences per block, or 0 for the default
   * @return the output [B, H, T, d] and log-sum-exp [B, H, T], attached to the manager of {@code qs}
   */
  static Saved forward(NDArray qs, NDArray ks, NDArray vs, NDArray bias, int requestedRows,
      int requestedSequences) {
    Dims z = Dims.of(qs, ks, requestedRows, requestedSequences);
    long b = z.b();
    int heads = z.heads();
    long t = z.t();
    long d = z.d();
    int kvHeads = z.kvHeads();
    int groups = z.groups();
    NDManager m = qs.getManager();
    NDList outs = new NDList();
    NDList lses = new NDList();
    for (long b0 = 0; b0 < b; b0 += z.seqs()) {
      long b1 = Math.min(b, b0 + z.seqs());
      NDList sliceOuts = new NDList();
      NDList sliceLses = new NDList();
      for (long s0 = 0; s0 < t; s0 += z.rows()) {
        long q1 = Math.min(t, s0 + z.rows());
        long n = q1 - s0;
        try (NDManager blk = m.newSubManager()) {
          Block block = Block.of(qs, ks, vs, bias, b0, b1, s0, q1, z.scale(), blk);
          long bb = b1 - b0;
          NDArray scores = block.scores(bb, heads, n); // [bb, H, n, s1] fp32
          NDArray max = scores.max(new int[] {-1}, true); // [bb, H, n, 1]
          NDArray p = expClosing(scores.subi(max)); // unnormalized
          NDArray sum = p.sum(new int[] {-1}, true); // [bb, H, n, 1]
          p.divi(sum);
          NDArray lse = sum.log().addi(max).squeeze(-1); // [bb, H, n]
          NDArray pc = p.getDataType() == block.v.getDataType() ? p : p.toType(block.v.getDataType(), false);
          long s1 = block.k.getShape().get(2);
          NDArray o = pc.reshape(bb, kvHeads, (long) groups * n, s1).matMul(block.v).reshape(bb, heads, n, d);
          o.attach(m);
          lse.attach(m);
          sliceOuts.add(o);
          sliceLses.add(lse);
        }
      }
      outs.add(concatClosing(sliceOuts, 2));
      lses.add(concatClosing(sliceLses, 2));
    }
    return new Saved(concatClosing(outs, 0), concatClosing(lses, 0));
  }

  /**
   * The gradients of the loss with respect to {@code qs}, {@code ks} and {@code vs}, from {@code dOut} = dL/dO
   * [B, H, T, d] (call with recording off).
   *
   * @return {dq [B, H, T, d], dk [B, KV, T, d], dv [B, KV, T, d]} in the compute type, attached to the manager of
   *     {@code qs}
   */
  static NDArray[] backward(NDArray qs, NDArray ks, NDArray vs, NDArray bias, Saved saved, NDArray dOut,
      int requestedRows, int requestedSequences) {
    Dims z = Dims.of(qs, ks, requestedRows, requestedSequences);
    long b = z.b();
    int heads = z.heads();
    long t = z.t();
    long d = z.d();
    int kvHeads = z.kvHeads();
    int groups = z.groups();
    NDManager m = qs.getManager();
    DataType type = qs.getDataType();
    NDArray dO = dOut.getDataType() == type ? dOut : dOut.toType(type, false);
    // D = rowsum(dO ∘ O) [B, H, T, 1] in fp32
    NDArray dRow = dO.toType(DataType.FLOAT32, false).mul(saved.out().toType(DataType.FLOAT32, false))
        .sum(new int[] {-1}, true);
    NDArray dk = m.zeros(ks.getShape(), DataType.FLOAT32, ks.getDevice());
    NDArray dv = m.zeros(vs.getShape(), DataType.FLOAT32, vs.getDevice());
    NDList dqs = new NDList();
    for (long b0 = 0; b0 < b; b0 += z.seqs()) {
      long b1 = Math.min(b, b0 + z.seqs());
      long bb = b1 - b0;
      NDList sliceDqs = new NDList();
      for (long s0 = 0; s0 < t; s0 += z.rows()) {
        long q1 = Math.min(t, s0 + z.rows());
        long n = q1 - s0;
        try (NDManager blk = m.newSubManager()) {
          Block block = Block.of(qs, ks, vs, bias, b0, b1, s0, q1, z.scale(), blk);
          long s1 = block.k.getShape().get(2);
          NDArray lse = slice(saved.lse(), b0, b1, s0, q1, blk);
          NDArray p = expClosing(block.scores(bb, heads, n).subi(lse.expandDims(-1))); // [bb,H,n,s1]
          NDArray dOg = slice(dO, b0, b1, s0, q1, blk).reshape(bb, kvHeads, (long) groups * n, d); // [bb,KV,g*n,d]
          NDArray pc = p.getDataType() == type ? p : p.toType(type, false);
          NDArray pg = pc.reshape(bb, kvHeads, (long) groups * n, s1); // [bb, KV, g*n, s1]
          accumulate(dv, b0, b1, s1, pg.transpose(0, 1, 3, 2).matMul(dOg)); // [bb, KV, s1, d]
          NDArray dP = dOg.matMul(block.v.transpose(0, 1, 3, 2)).reshape(bb, heads, n, s1);
          if (dP.getDataType() != DataType.FLOAT32) {
            dP = dP.toType(DataType.FLOAT32, false);
          }
          NDArray dS = dP.subi(slice(dRow, b0, b1, s0, q1, blk)).muli(p); // [bb, H, n, s1] fp32, in place
          NDArray dSc = dS.getDataType() == type ? dS : dS.toType(type, false);
          NDArray dSg = dSc.reshape(bb, kvHeads, (long) groups * n, s1);
          NDArray dq = Scalars.mul(dSg.matMul(block.k), z.scale()).reshape(bb, heads, n, d);
          accumulate(dk, b0, b1, s1, dSg.transpose(0, 1, 3, 2).matMul(block.qScaled)); // [bb, KV, s1, d]
          dq.attach(m);
          sliceDqs.add(dq);
        }
      }
      dqs.add(concatClosing(sliceDqs, 2));
    }
    NDArray dq = concatClosing(dqs, 0);
    dRow.close();
    if (dO != dOut) {
      dO.close();
    }
    NDArray dkT = dk.getDataType() == type ? dk : dk.toType(type, false);
    NDArray dvT = dv.getDataType() == type ? dv : dv.toType(type, false);
    return new NDArray[] {dq, dkT, dvT};
  }

  /** {@code x[b0:b1, :, s0:s1]}, attached to {@code blk}. */
  private static NDArray slice(NDArray x, long b0, long b1, long s0, long s1, NDManager blk) {
    NDArray v = x.get("{}:{}, :, {}:{}", b0, b1, s0, s1);
    v.attach(blk);
    return v;
  }

  /** The parts concatenated along {@code axis} (the parts closed), or the single part itself. */
  private static NDArray concatClosing(NDList parts, int axis) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    NDArray all = NDArrays.concat(parts, axis);
    parts.close();
    return all;
  }

  /** Batch B, heads H, length T, head size d, KV heads, and the block grid (rows and sequences per block). */
  private record Dims(long b, int heads, long t, long d, int kvHeads, long rows, long seqs) {
    /** Query heads per KV head. */
    int groups() {
      return heads / kvHeads;
    }

    /** {@code 1 / sqrt(d)}. */
    double scale() {
      return 1.0 / Math.sqrt(d);
    }

    static Dims of(NDArray qs, NDArray ks, int requestedRows, int requestedSequences) {
      Shape sq = qs.getShape();
      int heads = (int) sq.get(1);
      long t = sq.get(2);
      long rows = blockRows(heads, t, requestedRows);
      return new Dims(sq.get(0), heads, t, sq.get(3), (int) ks.getShape().get(1), rows,
          blockSequences(heads, rows, t, requestedSequences));
    }
  }

  /** {@code exp(x)}, closing {@code x} (one block-sized array alive instead of two). */
  private static NDArray expClosing(NDArray x) {
    NDArray e = x.exp();
    x.close();
    return e;
  }

  /** {@code into[b0:b1, :, 0:s1] += part}, in place (part [b1 - b0, KV, s1, d]). */
  private static void accumulate(NDArray into, long b0, long b1, long s1, NDArray part) {
    NDArray p = part.getDataType() == into.getDataType() ? part : part.toType(into.getDataType(), false);
    if (b0 == 0 && b1 == into.getShape().get(0) && s1 == into.getShape().get(2)) {
      into.addi(p);
    } else {
      try (NDArray view = into.get("{}:{}, :, 0:{}", b0, b1, s1)) {
        view.addi(p);
      }
    }
  }

  /** One block's inputs, all in the block's manager: scaled queries [bb, KV, g*n, d], keys and values [bb, KV, s1, d]. */
  private record Block(NDArray qScaled, NDArray k, NDArray v, NDArray bias) {
    /** Query rows {@code [s0, q1)} of sequences {@code [b0, b1)} against keys {@code [0, q1)}. */
    static Block of(NDArray qs, NDArray ks, NDArray vs, NDArray bias, long b0, long b1, long s0, long q1,
        double scale, NDManager blk) {
      long d = qs.getShape().get(3);
      long kv = ks.getShape().get(1);
      long groups = qs.getShape().get(1) / kv;
      NDArray q = qs.get("{}:{}, :, {}:{}", b0, b1, s0, q1);
      q.attach(blk);
      NDArray qScaled = Scalars.mul(q, scale).reshape(b1 - b0, kv, groups * (q1 - s0), d);
      NDArray k = ks.get("{}:{}, :, 0:{}", b0, b1, q1);
      k.attach(blk);
      NDArray v = vs.get("{}:{}, :, 0:{}", b0, b1, q1);
      v.attach(blk);
      NDArray bb = bias.get("{}:{}, :, {}:{}, 0:{}", b0, b1, s0, q1, q1); // [bb, 1, n, q1]
      bb.attach(blk);
      return new Block(qScaled, k, v, bb);
    }

    /** {@code q' kᵀ + bias} in fp32 [bb, H, n, s1]. */
    NDArray scores(long b, int heads, long n) {
      long s1 = k.getShape().get(2);
      NDArray scores = qScaled.matMul(k.transpose(0, 1, 3, 2)).reshape(b, heads, n, s1);
      if (scores.getDataType() != DataType.FLOAT32) {
        scores = scores.toType(DataType.FLOAT32, false);
      }
      return scores.addi(bias);
    }
  }
}
