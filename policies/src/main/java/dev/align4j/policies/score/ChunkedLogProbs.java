package dev.align4j.policies.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.align4j.policies.llama.Autograd;
import dev.align4j.policies.llama.ForwardPass;
import dev.align4j.policies.llama.LlamaModel;

/**
 * Per-token log-probs for a training step without any [tokens, vocab] array alive across the backward pass (the
 * idea of Liger-Kernel's fused linear cross-entropy, arXiv:2410.10989, done with two autograd passes).
 *
 * <p>Forward ({@link #forward}): the model runs to the final hidden states with its graph kept
 * ({@link LlamaModel#trainingForward}); the scored rows h [N, hidden] are copied into a leaf, and the LM head,
 * log-softmax and gather run chunk by chunk on that leaf without recording, giving only the values
 * {@code logp[k] = log_softmax(h_k W^T)[y_k]}. The loss is then computed from {@link #logProbs()}, whose entries are
 * a leaf of those values.
 *
 * <p>Backward: the step's {@code GradientCollector.backward(loss)} stops at that leaf, leaving
 * {@code g[k] = dL/dlogp[k]}. {@link #backward()} then, chunk by chunk, recomputes the logits
 * {@code z = h W^T} with a graph and pushes the analytic gradient of the gathered log-softmax through the head:
 *
 * <pre>  dL/dz[k, v] = g[k] · (1[v = y_k] − softmax(z_k)[v])</pre>
 *
 * which accumulates {@code dL/dW} (or the embedding's gradient when the head is tied, or an adapter's) and
 * {@code dL/dh}; last, {@code dL/dh} goes back through the model ({@link ForwardPass#backward}). At most one
 * chunk's logits and softmax [chunkRows, vocab] are alive at a time, in the forward and in the backward pass, so
 * peak memory does not grow with scored tokens × vocabulary. The gradients are those of the one-pass path
 * ({@link TokenLogProbs} under a collector) up to float rounding.
 *
 * <p>With {@link ScoreOptions} the log-probs are those of {@code softmax(z / τ)} (the sampler's temperature) and the
 * per-token entropy {@code H = −Σ_v p_v log p_v} of that distribution can come along, as values or, for an entropy
 * bonus, differentiable: the recomputed chunk then also pushes {@code dL/dH · dH/dz} with
 * {@code dH/dz_v = −p_v (log p_v + H) / τ}, and the head gradient is
 *
 * <pre>  dL/dz[k, v] = (g[k] · (1[v = y_k] − p_k[v]) − gH[k] · p_k[v] · (log p_k[v] + H_k)) / τ</pre>
 *
 * <p>Usage inside a training step (all arrays in {@code scope}):
 *
 * <pre>{@code
 * ChunkedLogProbs lp = ChunkedLogProbs.forward(model, batch, scope);
 * NDArray loss = ... lp.logProbs().sums() ...;
 * collector.backward(loss);
 * lp.backward();
 * }</pre>
 */
public final class ChunkedLogProbs implements DeferredBackward {
  private final LlamaModel model;
  private final ScoredRows scored;
  private final int chunkRows;
  private final ForwardPass pass;
  private final NDArray selected;
  private final NDArray rows;
  private final NDArray slotValues;
  private final BatchLogProbs logProbs;
  private final double temperature;
  private final java.util.Optional<NDArray> entropySlots;
  private final boolean entropyGradient;
  private boolean done;

  private ChunkedLogProbs(LlamaModel model, ScoredRows scored, ScoreOptions options, int chunkRows, ForwardPass pass,
      NDArray selected, NDArray rows, NDArray slotValues, java.util.Optional<NDArray> entropySlots) {
    this.model = model;
    this.scored = scored;
    this.chunkRows = chunkRows;
    this.temperature = options.temperature();
    this.entropyGradient = options.entropy() == ScoreOptions.Entropy.DIFFERENTIABLE;
    this.pass = pass;
    this.selected = selected;
    this.rows = rows;
    this.slotValues = slotValues;
    this.entropySlots = entropySlots;
    this.logProbs = scored.scatter(slotValues);
  }

  /** {@link #forward(LlamaModel, SequenceBatch, NDManager, int)} with {@link TokenLogProbs#DEFAULT_CHUNK_ROWS}. */
  public static ChunkedLogProbs forward(LlamaModel model, SequenceBatch batch, NDManager scope) {
    return forward(model, batch, scope, TokenLogProbs.DEFAULT_CHUNK_ROWS);
  }

  /**
   * The forward half: scores {@code batch} with {@code model}; call it with recording on (inside a
   * {@code GradientCollector}). Every array is attached to {@code scope}, which the caller closes after
   * {@link #backward()}.
   */
  public static ChunkedLogProbs forward(LlamaModel model, SequenceBatch batch, NDManager scope, int chunkRows) {
    return forward(model, batch, scope, new ScoreOptions(chunkRows, 1.0, ScoreOptions.Entropy.NONE));
  }

  /**
   * The forward half with the logits divided by {@code options.temperature()} and, when asked, the per-token
   * entropy ({@link #entropy()}); as {@link #forward(LlamaModel, SequenceBatch, NDManager, int)} otherwise.
   */
  public static ChunkedLogProbs forward(LlamaModel model, SequenceBatch batch, NDManager scope,
      ScoreOptions options) {
    int chunkRows = TokenLogProbs.chunkRows(options.chunkRows(), model.config().vocabSize());
    ScoredRows scored = ScoredRows.of(batch, model.config().vocabSize());
    NDArray[] in = ScoredRows.inputs(batch, scope, model.manager().getDevice());
    ForwardPass pass = model.trainingForward(in[0], in[1]);
    NDArray selected = scored.select(pass.hidden()); // [N, hidden], with the model's graph
    NDArray rows = selected.stopGradient(); // [N, hidden], values only
    rows.setRequiresGradient(true);
    NDList parts = new NDList();
    NDList entropyParts = new NDList();
    ScoreOptions.Entropy valuesOnly = options.entropy() == ScoreOptions.Entropy.NONE
        ? ScoreOptions.Entropy.NONE : ScoreOptions.Entropy.DETACHED;
    try (Autograd.GradMode off = Autograd.noGrad()) {
      for (int start = 0; start < scored.size(); start += chunkRows) {
        int end = Math.min(scored.size(), start + chunkRows);
        NDArray h = rows.get("{}:{}", start, end); // [c, hidden]
        NDArray targets = scored.targets(rows, start, end); // [c, 1]
        try (NDArray logits = model.logits(h)) { // [c, vocab]
          LogitScores.Result r = LogitScores.of(logits, targets, options.temperature(), valuesOnly);
          parts.add(r.logProbs()); // [c]
          r.entropy().ifPresent(entropyParts::add); // [c]
        }
      }
    }
    NDArray values = parts.isEmpty() ? empty(scope, rows) : NDArrays.concat(parts, 0); // [N]
    NDArray slotValues = ScoredRows.withUnscoredSlot(values); // [N + 1], a leaf
    slotValues.setRequiresGradient(true);
    java.util.Optional<NDArray> entropySlots = java.util.Optional.empty();
    if (options.entropy() != ScoreOptions.Entropy.NONE) {
      NDArray entropies = entropyParts.isEmpty() ? empty(scope, rows) : NDArrays.concat(entropyParts, 0); // [N]
      NDArray slots = ScoredRows.withUnscoredSlot(entropies); // [N + 1], a leaf
      if (options.entropy() == ScoreOptions.Entropy.DIFFERENTIABLE) {
        slots.setRequiresGradient(true);
      }
      entropySlots = java.util.Optional.of(slots);
    }
    return new ChunkedLogProbs(model, scored, options, chunkRows, pass, selected, rows, slotValues, entropySlots);
  }

  /** An empty fp32 array [0] on the device of {@code like}, in {@code scope}. */
  private static NDArray empty(NDManager scope, NDArray like) {
    return scope.zeros(new Shape(0), DataType.FLOAT32).toDevice(like.getDevice(), false);
  }

  /** The log-probs to compute the loss from (differentiable with respect to the values, not yet the model). */
  public BatchLogProbs logProbs() {
    return logProbs;
  }

  /**
   * The per-token entropy {@code [B, T-1]} (0 where unscored) when the options asked for it; differentiable (with
   * respect to the values, then the model through {@link #backward()}) in {@code DIFFERENTIABLE} mode.
   */
  public java.util.Optional<NDArray> entropy() {
    return entropySlots.map(slots -> scored.scatter(slots).perToken());
  }

  /**
   * The backward half: run once, after the loss's backward pass has reached {@link #logProbs()}. Accumulates the
   * gradient of the loss into the LM head (chunk by chunk) and through the rest of the model.
   *
   * @throws IllegalStateException when called twice
   */
  @Override
  public void backward() {
    if (done) {
      throw new IllegalStateException("backward was already run for these log-probs");
    }
    done = true;
    if (scored.size() == 0) {
      return;
    }
    NDManager scope = rows.getManager();
    NDArray g = slotValues.getGradient().get("1:"); // [N]: dL/dlogp per scored token (zeros if the loss ignored them)
    NDArray gH = entropyGradient ? entropySlots.orElseThrow().getGradient().get("1:") : null; // [N]: dL/dH
    try (Autograd.GradMode on = Autograd.enableGrad()) {
      for (int start = 0; start < scored.size(); start += chunkRows) {
        int end = Math.min(scored.size(), start + chunkRows);
        try (NDManager chunk = scope.newSubManager()) {
          NDArray h = rows.get("{}:{}", start, end); // [c, hidden], a view of the leaf
          h.attach(chunk);
          NDArray logits = model.logits(h); // [c, vocab], recorded
          NDArray targets = scored.targets(h, start, end); // [c, 1]
          NDArray gChunk = g.get("{}:{}", start, end); // [c]
          NDArray dLogits = temperature == 1.0 && gH == null ? headGradient(logits, targets, gChunk)
              : headGradient(logits, targets, gChunk, temperature, gH == null ? null : gH.get("{}:{}", start, end));
          Autograd.backward(logits, dLogits);
        }
      }
    }
    NDArray dHidden = rows.getGradient(); // [N, hidden]
    pass.backward(selected, dHidden);
  }

  /**
   * {@code dL/dz = g · (onehot(y) − softmax(z))} [c, vocab] for logits z [c, vocab], targets [c, 1] and
   * {@code g = dL/dlogp} [c], computed in place without recording.
   */
  private static NDArray headGradient(NDArray logits, NDArray targets, NDArray g) {
    try (Autograd.GradMode off = Autograd.noGrad()) {
      long c = targets.getShape().get(0);
      NDArray gCol = g.reshape(c, 1); // [c, 1]
      NDArray d = logits.softmax(-1); // [c, vocab]
      NDArray atTarget = d.gather(targets, 1); // [c, 1]
      d.muli(gCol.neg()); // -g · p
      NDArray rowIdx = d.getManager().arange(0L, c, 1L, DataType.INT64, d.getDevice());
      d.set(new NDIndex("{}, {}", rowIdx, targets.reshape(c)), gCol.mul(atTarget.neg().add(1)).reshape(c));
      return d;
    }
  }

  /**
   * The head gradient at temperature τ with an optional entropy gradient {@code gH = dL/dH} [c] (see the class
   * comment), computed without recording.
   */
  private static NDArray headGradient(NDArray logits, NDArray targets, NDArray g, double tau, NDArray gH) {
    try (Autograd.GradMode off = Autograd.noGrad()) {
      long c = targets.getShape().get(0);
      NDArray gCol = g.reshape(c, 1); // [c, 1]
      NDArray u = tau == 1.0 ? logits : logits.div(tau); // [c, vocab]
      NDArray logp = u.logSoftmax(-1); // [c, vocab]
      NDArray p = logp.exp(); // [c, vocab]
      NDArray atTarget = p.gather(targets, 1); // [c, 1]
      NDArray d = p.mul(gCol.neg()); // -g · p
      NDArray rowIdx = d.getManager().arange(0L, c, 1L, DataType.INT64, d.getDevice());
      d.set(new NDIndex("{}, {}", rowIdx, targets.reshape(c)), gCol.mul(atTarget.neg().add(1)).reshape(c));
      if (gH != null) {
        NDArray entropy = p.mul(logp).sum(new int[] {-1}, true).neg(); // [c, 1]
        d.subi(p.mul(logp.add(entropy)).mul(gH.reshape(c, 1))); // dH/du = -p (log p + H)
      }
      return tau == 1.0 ? d : d.divi(tau);
    }
  }
}
