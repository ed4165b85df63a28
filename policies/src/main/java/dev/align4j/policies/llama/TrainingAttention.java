package dev.align4j.policies.llama;

/**
 * How {@link LlamaModel#trainingForward} (and scoring without a graph) computes attention.
 *
 * <ul>
 *   <li>{@link #BLOCKWISE} (the default): {@code BlockAttention}, query rows a block at a time with the attention
 *       recomputed in the backward pass, so no [B, H, T, T] array is saved or even allocated (the memory of
 *       PyTorch's fused scaled-dot-product attention; HF {@code attn_implementation="sdpa"}); the causal upper
 *       triangle is skipped.</li>
 *   <li>{@link #EAGER}: HF's eager attention, whose [B, H, T, T] probabilities autograd keeps for every layer
 *       until the backward pass (HF {@code attn_implementation="eager"}).</li>
 * </ul>
 *
 * Both give the same log-probs and gradients to float rounding. The setting also covers scoring without a graph
 * ({@link LlamaModel#forward} and {@link LlamaModel#hiddenStates} with recording off, as reference and old
 * log-probs are computed), so that a model scores the same numbers there as in its training forward pass;
 * generation with a KV cache, and a forward pass recorded by a {@code GradientCollector}, always run eager attention.
 *
 * @param blockwise whether attention runs block by block
 * @param blockRows query rows per block, or 0 to size them by element count (16 MiB of fp32 scores per sequence)
 * @param blockSequences sequences per block, or 0 to size them by element count (32 MiB of fp32 scores per block)
 */
public record TrainingAttention(boolean blockwise, int blockRows, int blockSequences) {
  /** Eager attention (the graph keeps every layer's probabilities). */
  public static final TrainingAttention EAGER = new TrainingAttention(false, 0, 0);
  /** Blockwise attention with blocks sized by element count (the default). */
  public static final TrainingAttention BLOCKWISE = new TrainingAttention(true, 0, 0);

  /**
   * @throws IllegalArgumentException when a block size is negative, or positive for eager attention
   */
  public TrainingAttention {
    if (blockRows < 0 || blockSequences < 0 || (!blockwise && (blockRows != 0 || blockSequences != 0))) {
      throw new IllegalArgumentException("block sizes must be >= 0, and 0 for eager attention, got rows "
          + blockRows + ", sequences " + blockSequences);
    }
  }

  /**
   * Blockwise attention with {@code rows} query rows of {@code sequences} sequences per block (small values are
   * for tests).
   */
  public static TrainingAttention blockwise(int rows, int sequences) {
    if (rows <= 0 || sequences <= 0) {
      throw new IllegalArgumentException("rows and sequences must be > 0, got " + rows + ", " + sequences);
    }
    return new TrainingAttention(true, rows, sequences);
  }
}
