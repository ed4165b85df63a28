package dev.align4j.policies.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.align4j.policies.safetensors.Checkpoint;
import dev.align4j.policies.safetensors.Safetensors;
import dev.align4j.policies.safetensors.StoredDtype;
import dev.align4j.policies.safetensors.TensorEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code LlamaForCausalLM} on DJL's PyTorch engine, numerically matching transformers' {@code modeling_llama.py}
 * (parity-tested against the tiny-llama fixture): token embedding, {@code num_hidden_layers} × {@link DecoderLayer},
 * final RMSNorm, LM head (or the embedding matrix when {@code tie_word_embeddings}).
 *
 * <p>Inputs are padded batches: tokens [B, T] and an attention mask [B, T] with 1 for real tokens. Positions are
 * {@code cumsum(mask) - 1} (clamped at 0), as HF's {@code generate} does, so left- and right-padded batches give
 * each sequence the same numbers as alone. Keys at masked positions and future keys are masked out.
 *
 * <p>Memory: the weights live in the model's own manager; every activation is attached to the manager of the
 * {@code tokens} array passed in, so a caller that creates its inputs in a per-step sub-manager and closes it
 * frees everything the step made. Gradients: call {@code setRequiresGradient(true)} on {@link #parameters()} and
 * run the step inside a DJL {@code GradientCollector}; {@link #trainingForward} gives a forward pass whose backward
 * the caller drives (needed for recompute-in-backward: chunked log-probs, gradient checkpointing).
 */
public final class LlamaModel implements AutoCloseable {
  private static final Pattern LAYER_TENSOR = Pattern.compile("model\\.layers\\.(\\d+)\\..*");
  private static final double MASKED = -1e9;

  private final LlamaConfig config;
  private final NDManager manager;
  private final DataType computeType;
  private final Map<String, NDArray> parameters;
  private final Map<String, Linear> linears;
  private final NDArray embedding;
  private final List<DecoderLayer> layers;
  private final RmsNorm finalNorm;
  private final Linear lmHead;
  private final Rotary rotary;
  private boolean gradientCheckpointing;
  private TrainingAttention trainingAttention = TrainingAttention.BLOCKWISE;

  private LlamaModel(LlamaConfig config, NDManager manager, DataType computeType, Map<String, NDArray> params) {
    this.config = config;
    this.manager = manager;
    this.computeType = computeType;
    this.parameters = Collections.unmodifiableMap(params);
    Map<String, Linear> lin = new LinkedHashMap<>();
    this.embedding = params.get("model.embed_tokens.weight");
    this.layers = new ArrayList<>();
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      Linear q = linear(lin, params, p + "self_attn.q_proj");
      Linear k = linear(lin, params, p + "self_attn.k_proj");
      Linear v = linear(lin, params, p + "self_attn.v_proj");
      Linear o = linear(lin, params, p + "self_attn.o_proj");
      Linear gate = linear(lin, params, p + "mlp.gate_proj");
      Linear up = linear(lin, params, p + "mlp.up_proj");
      Linear down = linear(lin, params, p + "mlp.down_proj");
      layers.add(new DecoderLayer(i,
          new RmsNorm(params.get(p + "input_layernorm.weight"), config.rmsNormEps()),
          new Attention(q, k, v, o, config),
          new RmsNorm(params.get(p + "post_attention_layernorm.weight"), config.rmsNormEps()),
          new Mlp(gate, up, down)));
    }
    this.finalNorm = new RmsNorm(params.get("model.norm.weight"), config.rmsNormEps());
    this.lmHead = config.tieWordEmbeddings()
        ? new Linear("lm_head", embedding)
        : linear(lin, params, "lm_head");
    this.linears = Collections.unmodifiableMap(lin);
    this.rotary = new Rotary(config);
  }

  private static Linear linear(Map<String, Linear> out, Map<String, NDArray> params, String module) {
    Linear l = new Linear(module, params.get(module + ".weight"));
    out.put(module, l);
    return l;
  }

  /**
   * The HF tensor names and shapes this config needs, in HF order (embedding, layers, final norm, lm_head unless
   * tied).
   */
  public static Map<String, long[]> expectedShapes(LlamaConfig c) {
    Map<String, long[]> s = new LinkedHashMap<>();
    long h = c.hiddenSize();
    long qOut = (long) c.numAttentionHeads() * c.headDim();
    long kvOut = (long) c.numKeyValueHeads() * c.headDim();
    s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      s.put(p + "input_layernorm.weight", new long[] {h});
      s.put(p + "self_attn.q_proj.weight", new long[] {qOut, h});
      s.put(p + "self_attn.k_proj.weight", new long[] {kvOut, h});
      s.put(p + "self_attn.v_proj.weight", new long[] {kvOut, h});
      s.put(p + "self_attn.o_proj.weight", new long[] {h, qOut});
      s.put(p + "post_attention_layernorm.weight", new long[] {h});
      s.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), h});
      s.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), h});
      s.put(p + "mlp.down_proj.weight", new long[] {h, c.intermediateSize()});
    }
    s.put("model.norm.weight", new long[] {h});
    if (!c.tieWordEmbeddings()) {
      s.put("lm_head.weight", new long[] {c.vocabSize(), h});
    }
    return s;
  }

  /**
   * Loads a Hugging Face folder ({@code config.json} + {@code model.safetensors} or sharded files with
   * {@code model.safetensors.index.json}). F32/F16/BF16 weights are widened to fp32, then cast to the compute
   * dtype. Fails with an {@link InvalidModelException} naming the tensor or field when a tensor is missing, has
   * the wrong shape, holds NaN or infinite values, or belongs to a layer the config does not have, and, before
   * anything is read, when the weights the config implies could not fit in the device's memory
   * ({@link MemoryEstimate#parameterCount}).
   */
  public static LlamaModel load(Path dir, LoadOptions opts) {
    Path configFile = dir.resolve("config.json");
    LlamaConfig config = LlamaConfig.read(configFile);
    Device device = opts.djlDevice();
    requireWeightsFit(config, device, configFile);
    Checkpoint ckpt = Checkpoint.open(dir);
    long layersInWeights = 0;
    for (TensorEntry t : ckpt.tensors().values()) {
      Matcher m = LAYER_TENSOR.matcher(t.name());
      if (m.matches()) {
        long layer = Long.parseLong(m.group(1));
        if (layer >= config.numHiddenLayers()) {
          throw InvalidModelException.tensor(t.file(), t.name(), "present in the weights but config.json has "
              + "num_hidden_layers = " + config.numHiddenLayers() + " (config and weights disagree)");
        }
        layersInWeights = Math.max(layersInWeights, layer + 1);
      }
    }
    if (layersInWeights < config.numHiddenLayers()) {
      // before listing 9 tensors per layer of a config that may claim a billion layers
      throw InvalidModelException.tensor(dir, "model.layers." + layersInWeights + ".input_layernorm.weight",
          "missing from the weights: config.json has num_hidden_layers = " + config.numHiddenLayers()
          + " but the weights hold layers 0.." + (layersInWeights - 1) + " (config and weights disagree)");
    }
    Map<String, long[]> expected = expectedShapes(config);
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      TensorEntry t = ckpt.tensors().get(e.getKey());
      if (t == null) {
        String why = e.getKey().equals("lm_head.weight") ? " (config.json has tie_word_embeddings = false)" : "";
        throw InvalidModelException.tensor(dir, e.getKey(), "missing from the weights" + why);
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        throw InvalidModelException.tensor(t.file(), e.getKey(), "shape " + Arrays.toString(t.shape())
            + " but config.json implies " + Arrays.toString(e.getValue()) + " (config and weights disagree)");
      }
    }
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (String name : expected.keySet()) {
        TensorEntry entry = ckpt.tensors().get(name);
        NDArray a = Safetensors.readFloat32(entry, manager);
        requireFinite(entry, a);
        params.put(name, cast(a, opts.dtype().dataType()));
      }
      return new LlamaModel(config, manager, opts.dtype().dataType(), params);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A freshly initialised model (HF {@code _init_weights}: linear and embedding weights N(0, 0.02²), RMSNorm
   * weights 1), deterministic for a given seed: weights are drawn in {@link #expectedShapes} order from one
   * {@link SplittableRandom}.
   */
  public static LlamaModel randomInit(LlamaConfig config, long seed, LoadOptions opts) {
    Device device = opts.djlDevice();
    requireWeightsFit(config, device, Path.of("config.json"));
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      SplittableRandom rng = new SplittableRandom(seed);
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
        long n = 1;
        for (long d : e.getValue()) {
          n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        if (e.getValue().length == 1) {
          Arrays.fill(v, 1f);
        } else {
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.02 * rng.nextGaussian());
          }
        }
        params.put(e.getKey(), cast(manager.create(v, new Shape(e.getValue())), opts.dtype().dataType()));
      }
      return new LlamaModel(config, manager, opts.dtype().dataType(), params);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Refuses a config whose weights (as fp32 while loading) need more than the device's memory, before anything is
   * allocated; the error names the field that contributes most (the layers or the vocabulary).
   */
  static void requireWeightsFit(LlamaConfig c, Device device, Path configFile) {
    double bytes = MemoryEstimate.parameterCount(c) * 4;
    long have = MemoryEstimate.deviceBytes(device);
    if (bytes > have) {
      double embeddings = (double) c.vocabSize() * c.hiddenSize() * (c.tieWordEmbeddings() ? 1 : 2);
      String field = embeddings * 4 >= bytes / 2 ? "vocab_size" : "num_hidden_layers";
      throw InvalidModelException.field(configFile, field, "the weights need about " + MemoryEstimate.gib((long) Math.min(bytes, Long.MAX_VALUE))
          + " in fp32 (vocab_size " + c.vocabSize() + ", hidden_size " + c.hiddenSize() + ", intermediate_size "
          + c.intermediateSize() + ", num_hidden_layers " + c.numHiddenLayers() + "), more than the "
          + MemoryEstimate.gib(have) + " of memory " + MemoryEstimate.where(device) + "; is the config right?");
    }
  }

  /**
   * Refuses a weight holding NaN or ±Inf (a run would train on it and report {@code "loss": null} at every step).
   *
   * @throws InvalidModelException naming the file, the tensor, how many values and the first one's index
   */
  public static void requireFinite(TensorEntry entry, NDArray values) {
    try (NDManager scope = values.getManager().newSubManager()) {
      values.tempAttach(scope); // what the check computes is freed with the scope; values go back to their manager
      NDArray bad = values.isNaN().logicalOr(values.isInfinite()).flatten(); // [n] bool
      long count = bad.toType(DataType.INT64, false).sum().getLong();
      if (count > 0) {
        long first = bad.toType(DataType.INT32, false).argMax().getLong();
        throw InvalidModelException.tensor(entry.file(), entry.name(), count + " of " + values.size()
            + " values are NaN or infinite (the first at flat index " + first + ")");
      }
    }
  }

  private static NDArray cast(NDArray a, DataType type) {
    if (a.getDataType() == type) {
      return a;
    }
    NDArray c = a.toType(type, true);
    a.close();
    return c;
  }

  public LlamaConfig config() {
    return config;
  }

  /** The manager that owns the weights (closed by {@link #close()}). */
  public NDManager manager() {
    return manager;
  }

  /** The compute data type of activations and weights. */
  public DataType computeType() {
    return computeType;
  }

  /** HF tensor name → weight (the model's own arrays; tied models have no {@code lm_head.weight}). */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** HF module name → projection (q/k/v/o/gate/up/down of every layer, and {@code lm_head} when untied). */
  public Map<String, Linear> linears() {
    return linears;
  }

  /** Logits [B, T, vocab] for tokens [B, T] with attention mask [B, T] (1 = real token). */
  public NDArray forward(NDArray tokens, NDArray attentionMask) {
    return logits(hiddenStates(tokens, attentionMask));
  }

  /** Final-normed hidden states [B, T, hidden] (the input of the LM head). */
  public NDArray hiddenStates(NDArray tokens, NDArray attentionMask) {
    return run(tokens, attentionMask, Optional.empty());
  }

  /**
   * One incremental step: {@code tokens} [B, Tq] are the new positions, {@code attentionMask} [B, S] covers the
   * cached positions plus the new ones ({@code S = cache.length() + Tq}). Appends to the cache; returns the
   * final-normed hidden states [B, Tq, hidden].
   */
  public NDArray hiddenStates(NDArray tokens, NDArray attentionMask, KvCache cache) {
    return run(tokens, attentionMask, Optional.of(cache));
  }

  /** A new empty KV cache whose arrays live under {@code parent}. */
  public KvCache newCache(NDManager parent) {
    return new KvCache(config.numHiddenLayers(), parent);
  }

  /** The LM head: logits [..., vocab] in fp32 from hidden states [..., hidden]. */
  public NDArray logits(NDArray hidden) {
    NDArray out = lmHead.forward(hidden);
    return out.getDataType() == DataType.FLOAT32 ? out : out.toType(DataType.FLOAT32, false);
  }

  private NDArray run(NDArray tokens, NDArray attentionMask, Optional<KvCache> cache) {
    Inputs in = prepare(tokens, attentionMask, cache);
    NDArray x = in.embedded();
    if (cache.isEmpty() && trainingAttention.blockwise()
        && (!Autograd.isRecording() || !bodyRequiresGradient())) {
      // scoring without a graph (reference and old log-probs, evaluation): the kernels of the training forward
      // pass, so a policy scored here and in trainingForward gives the same numbers; decided by whether a graph
      // is needed, not by the thread's grad mode alone (a Spark executor thread may have it on)
      try (Autograd.GradMode off = Autograd.noGrad()) {
        for (DecoderLayer layer : layers) {
          x = scopedBlockwise(layer, x, in, trainingAttention, x.getManager());
        }
      }
      return finalNorm.forward(x);
    }
    for (DecoderLayer layer : layers) {
      x = scoped(layer, x, in, cache);
    }
    return finalNorm.forward(x);
  }

  /**
   * One decoder layer whose temporaries (projections, attention scores and probabilities, MLP activations) live in
   * a scope of their own, closed when the layer is done: only its output [B, T, hidden] joins the manager of
   * {@code x}. Closing a temporary drops align4j's handle only; what autograd saved for the backward pass stays
   * alive in torch's graph, so memory follows PyTorch's (saved tensors only) instead of keeping every
   * intermediate of every layer until the step ends.
   */
  private static NDArray scoped(DecoderLayer layer, NDArray x, Inputs in, Optional<KvCache> cache) {
    NDManager outer = x.getManager();
    try (NDManager layerScope = outer.newSubManager()) {
      x.tempAttach(layerScope);
      NDArray out = layer.forward(x, in.cos(), in.sin(), in.bias(), cache);
      out.attach(outer);
      return out;
    }
  }

  /**
   * A training forward pass to the final-normed hidden states, with the way back ({@link ForwardPass#backward}).
   * Without {@linkplain #setGradientCheckpointing gradient checkpointing} this is {@link #hiddenStates} with the
   * graph kept by autograd as usual. With it, the decoder layers run without a graph, keeping only each layer's
   * input [B, T, hidden], and the backward pass recomputes one layer at a time. Either way torch's generator is
   * reseeded before each layer from seeds drawn at the start, so dropout inside a layer (LoRA) draws the same mask
   * when the layer is recomputed, and both ways give the same gradients; both ways also leave the generator in the
   * same state after the backward pass, so consecutive micro-batches draw the same masks too.
   *
   * <p>Call it with recording on (inside a {@code GradientCollector}); every array is attached to the manager of
   * {@code tokens}.
   */
  public ForwardPass trainingForward(NDArray tokens, NDArray attentionMask) {
    Inputs in = prepare(tokens, attentionMask, Optional.empty());
    NDManager m = tokens.getManager();
    boolean recording = Autograd.isRecording();
    boolean bodyTrains = recording && bodyRequiresGradient();
    long[] seeds = TorchRandom.draw(m, layers.size() + 1);
    if (!trainingAttention.blockwise()) {
      return eagerTrainingForward(in, m, bodyTrains, seeds);
    }
    TrainingAttention blocks = trainingAttention;
    if (!bodyTrains) {
      // nothing before the head trains: values only, layer by layer
      NDArray x = in.embedded();
      try (Autograd.GradMode off = Autograd.noGrad()) {
        for (int i = 0; i < layers.size(); i++) {
          TorchRandom.seed(seeds[i]);
          x = scopedBlockwise(layers.get(i), x, in, blocks, m);
        }
      }
      TorchRandom.seed(seeds[layers.size()]);
      return new ForwardPass(finalNorm.forward(x), (output, gradient) -> { });
    }
    if (gradientCheckpointing) {
      return checkpointed(in, m, seeds,
          (layer, x) -> layer.forwardBlockwise(x, in.cos(), in.sin(), in.bias(), blocks),
          (layer, x, g, scope) -> layer.segment(x, in.cos(), in.sin(), in.bias(), blocks, scope).backward(g));
    }
    // each layer is a segment of its own: input leaf -> recorded graph (attention outside) -> output
    boolean embeddingTrains = embedding.hasGradient();
    NDArray[] inputs = new NDArray[layers.size() + 1]; // layer i's input [B, T, hidden] as a leaf
    inputs[0] = in.embedded().stopGradient();
    DecoderLayer.Segment[] segments = new DecoderLayer.Segment[layers.size()];
    NDManager[] kept = new NDManager[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      inputs[i].setRequiresGradient(true);
      kept[i] = m.newSubManager();
      try (NDManager layerScope = m.newSubManager()) {
        inputs[i].tempAttach(layerScope);
        TorchRandom.seed(seeds[i]);
        segments[i] = layers.get(i).segment(inputs[i], in.cos(), in.sin(), in.bias(), blocks, kept[i]);
      }
      NDArray next = segments[i].output().stopGradient();
      next.attach(m);
      inputs[i + 1] = next;
    }
    TorchRandom.seed(seeds[layers.size()]);
    NDArray top = inputs[layers.size()];
    top.setRequiresGradient(true);
    NDArray hidden = finalNorm.forward(top);
    return new ForwardPass(hidden, (output, gradient) -> {
      Autograd.backward(output, gradient);
      NDArray g = top.getGradient();
      g.attach(m);
      for (int i = layers.size() - 1; i >= 0; i--) {
        NDArray below = segments[i].backward(g);
        g.close();
        g = below;
        kept[i].close();
        inputs[i + 1].close();
      }
      if (embeddingTrains) {
        Autograd.backward(in.embedded(), g);
      }
      inputs[0].close();
      g.close();
    });
  }

  /** One decoder layer's values with blockwise attention, temporaries in a scope of their own; output in {@code m}. */
  private static NDArray scopedBlockwise(DecoderLayer layer, NDArray x, Inputs in, TrainingAttention blocks,
      NDManager m) {
    try (NDManager layerScope = m.newSubManager()) {
      x.tempAttach(layerScope);
      NDArray out = layer.forwardBlockwise(x, in.cos(), in.sin(), in.bias(), blocks);
      out.attach(m);
      return out;
    }
  }

  /** {@link #trainingForward} with HF's eager attention ({@link TrainingAttention#EAGER}). */
  private ForwardPass eagerTrainingForward(Inputs in, NDManager m, boolean bodyTrains, long[] seeds) {
    if (!gradientCheckpointing || !bodyTrains) {
      NDArray x = in.embedded();
      for (int i = 0; i < layers.size(); i++) {
        TorchRandom.seed(seeds[i]);
        x = scoped(layers.get(i), x, in, Optional.empty());
      }
      TorchRandom.seed(seeds[layers.size()]);
      NDArray hidden = finalNorm.forward(x);
      return new ForwardPass(hidden, bodyTrains ? Autograd::backward : (output, gradient) -> { });
    }
    return checkpointed(in, m, seeds,
        (layer, x) -> layer.forward(x, in.cos(), in.sin(), in.bias(), Optional.empty()),
        (layer, x, g, scope) -> {
          NDArray out = layer.forward(x, in.cos(), in.sin(), in.bias(), Optional.empty());
          Autograd.backward(out, g);
          NDArray below = x.getGradient(); // dL/d(input of the layer)
          below.attach(g.getManager());
          return below;
        });
  }

  /** A decoder layer's output, values only (run with recording off). */
  @FunctionalInterface
  private interface LayerValues {
    NDArray apply(DecoderLayer layer, NDArray x);
  }

  /**
   * Recomputes a decoder layer from its input leaf {@code x} with recording on and pushes {@code g} = dL/d(output)
   * through it; returns dL/dx in the manager of {@code g}. Temporaries go to {@code scope}.
   */
  @FunctionalInterface
  private interface LayerBackward {
    NDArray apply(DecoderLayer layer, NDArray x, NDArray g, NDManager scope);
  }

  /**
   * Gradient checkpointing: the layers run without a graph ({@code values}), keeping only each layer's input
   * [B, T, hidden]; the backward pass recomputes one layer at a time, last first ({@code back}), reseeding torch's
   * generator before each layer as the forward pass did.
   */
  private ForwardPass checkpointed(Inputs in, NDManager m, long[] seeds, LayerValues values, LayerBackward back) {
    NDArray[] inputs = new NDArray[layers.size() + 1]; // layer i's input [B, T, hidden], values only
    inputs[0] = in.embedded().stopGradient();
    try (Autograd.GradMode off = Autograd.noGrad()) {
      for (int i = 0; i < layers.size(); i++) {
        try (NDManager layerScope = m.newSubManager()) {
          inputs[i].tempAttach(layerScope);
          TorchRandom.seed(seeds[i]);
          NDArray out = values.apply(layers.get(i), inputs[i]);
          out.attach(m);
          inputs[i + 1] = out;
        }
      }
    }
    TorchRandom.seed(seeds[layers.size()]);
    NDArray top = inputs[layers.size()];
    top.setRequiresGradient(true);
    NDArray hidden = finalNorm.forward(top);
    boolean embeddingTrains = embedding.hasGradient();
    return new ForwardPass(hidden, (output, gradient) -> {
      Autograd.backward(output, gradient);
      NDArray g = top.getGradient(); // [B, T, hidden]: dL/d(input of the final norm)
      g.attach(m);
      for (int i = layers.size() - 1; i >= 0; i--) {
        try (NDManager layerScope = m.newSubManager()) {
          NDArray x = inputs[i];
          x.tempAttach(layerScope);
          x.setRequiresGradient(true);
          TorchRandom.seed(seeds[i]);
          NDArray below = back.apply(layers.get(i), x, g, layerScope);
          g.close();
          g = below;
        }
        inputs[i + 1].close();
      }
      // leave the generator as the plain path leaves it (seeded with seeds[L], nothing drawn since), so that the
      // next micro-batch draws the same layer seeds either way; exact as long as nothing between this forward pass
      // and its backward pass draws random numbers (no loss does)
      TorchRandom.seed(seeds[layers.size()]);
      if (embeddingTrains) {
        Autograd.backward(in.embedded(), g);
      }
      inputs[0].close();
      g.close();
    });
  }

  /**
   * Chooses how {@link #trainingForward} computes attention ({@link TrainingAttention#BLOCKWISE} initially).
   */
  public void setTrainingAttention(TrainingAttention attention) {
    trainingAttention = java.util.Objects.requireNonNull(attention, "attention");
  }

  /** How {@link #trainingForward} computes attention. */
  public TrainingAttention trainingAttention() {
    return trainingAttention;
  }

  /**
   * Turns per-layer activation recomputation in {@link #trainingForward} on or off (off initially; HF's
   * {@code gradient_checkpointing_enable()}). Only {@link #trainingForward} (which
   * {@code dev.align4j.policies.score.ChunkedLogProbs} uses) honours it; {@link #forward} and {@link #hiddenStates}
   * always leave autograd's graph as it is.
   */
  public void setGradientCheckpointing(boolean enabled) {
    gradientCheckpointing = enabled;
  }

  /** Whether {@link #trainingForward} recomputes layer activations in the backward pass. */
  public boolean gradientCheckpointing() {
    return gradientCheckpointing;
  }

  /**
   * Whether anything between the token ids and the final hidden states requires a gradient: a weight other than
   * an untied LM head, or an enabled adapter of a projection other than the LM head.
   */
  private boolean bodyRequiresGradient() {
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      if (!e.getKey().equals("lm_head.weight") && e.getValue().hasGradient()) {
        return true;
      }
    }
    for (Linear l : linears.values()) {
      if (l != lmHead && l.adapterActive() && l.adapter().orElseThrow().requiresGradient()) {
        return true;
      }
    }
    return false;
  }

  /** The embedded tokens and what every layer shares, all attached to the manager of {@code tokens}. */
  private record Inputs(NDArray embedded, NDArray cos, NDArray sin, NDArray bias) {}

  private Inputs prepare(NDArray tokens, NDArray attentionMask, Optional<KvCache> cache) {
    Shape ts = tokens.getShape();
    Shape ms = attentionMask.getShape();
    if (ts.dimension() != 2 || ms.dimension() != 2 || ms.get(0) != ts.get(0)) {
      throw new IllegalArgumentException("tokens must be [B, T] and attentionMask [B, S], got " + ts + " and " + ms);
    }
    long tq = ts.get(1);
    long s = ms.get(1);
    long past = cache.map(KvCache::length).orElse(0L);
    if (s != past + tq) {
      throw new IllegalArgumentException("attentionMask covers " + s + " positions but cache has " + past
          + " and tokens add " + tq);
    }
    NDManager m = tokens.getManager();
    NDArray ids = tokens.toType(DataType.INT64, false);
    NDArray x = ids.getNDArrayInternal().embedding(ids, embedding, SparseFormat.DENSE).singletonOrThrow();
    // a copy in the tokens' manager: everything derived from the mask must be freed with the caller's step scope,
    // even when the mask itself lives longer (generation grows one mask over all steps)
    NDArray mask = attentionMask.toType(DataType.INT64, true);
    mask.attach(m);
    NDArray positions = mask.cumSum(1).sub(1).clip(0, Long.MAX_VALUE); // [B, S]
    if (past > 0) {
      positions = positions.get(":, {}:", past); // [B, Tq]
    }
    NDArray[] cs = rotary.cosSin(positions, computeType);
    return new Inputs(x, cs[0], cs[1], attentionBias(mask, tq));
  }

  /** fp32 additive bias [B, 1, Tq, S]: 0 where key j is real and j <= the query's index, else -1e9. */
  private static NDArray attentionBias(NDArray mask, long tq) {
    long b = mask.getShape().get(0);
    long s = mask.getShape().get(1);
    NDManager m = mask.getManager();
    NDArray keyIdx = m.arange(0L, s, 1L, DataType.INT64, mask.getDevice()).reshape(1, s);
    NDArray queryIdx = m.arange(s - tq, s, 1L, DataType.INT64, mask.getDevice()).reshape(tq, 1);
    NDArray causal = keyIdx.lte(queryIdx).toType(DataType.FLOAT32, false);
    NDArray allowed = mask.toType(DataType.FLOAT32, false).reshape(b, 1, 1, s).mul(causal);
    return allowed.sub(1).mul(-MASKED);
  }

  /** Saves in HF layout: {@code config.json} + {@code model.safetensors} in fp32. */
  public void save(Path dir) {
    save(dir, StoredDtype.F32, Long.MAX_VALUE);
  }

  /**
   * Saves in HF layout with the given stored dtype (F32 or BF16), sharded into files of at most
   * {@code maxShardBytes} (with {@code model.safetensors.index.json}) when the weights do not fit in one.
   */
  public void save(Path dir, StoredDtype dtype, long maxShardBytes) {
    config.write(dir, dtype.torchName());
    Checkpoint.write(dir, parameters, dtype, maxShardBytes);
  }

  /**
   * Sets the accumulated gradient of every weight that has one to 0 (torch adds to {@code .grad} on each
   * backward). Unlike DJL's {@code GradientCollector.zeroGradients()}, this leaves no array handles behind in the
   * model's manager. Call it outside a gradient collector, before each step's backward pass.
   */
  public void zeroGradients() {
    for (NDArray p : parameters.values()) {
      if (p.hasGradient()) {
        try (NDArray g = p.getGradient()) {
          g.muli(0f);
        }
      }
    }
  }

  /** Count of all weights. */
  public long parameterCount() {
    long n = 0;
    for (NDArray a : parameters.values()) {
      n += a.size();
    }
    return n;
  }

  @Override
  public void close() {
    manager.close();
  }
}
