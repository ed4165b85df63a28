package dev.align4j.policies.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.core.BadInputException;
import dev.align4j.policies.llama.KvCache;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.MemoryEstimate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Batched generation with a KV cache. Prompts of different lengths are left-padded into one batch (positions come
 * from the attention mask, so each prompt sees the same positions as alone); the prompt batch is run once
 * (prefill), then one position per step reuses the cached keys and values. A sequence is finished when it has
 * its own {@code maxNewTokens} tokens or, with {@code stopAtEos}, emitted an EOS id; finished rows keep being fed
 * (their outputs are discarded) until every row is done.
 *
 * <p>Memory: each step runs in its own sub-manager, closed at the end of the step, which holds everything the
 * step computes (the model attaches its activations, mask copies and attention bias to the step's tokens); what
 * lives across steps is the KV cache, the growing attention mask [n, S] and the next tokens, so memory grows with
 * the cache only. Before anything is allocated, every prompt's length plus its budget is checked against
 * {@code max_position_embeddings} and the whole batch against an estimate of the memory it needs
 * ({@link MemoryEstimate#generation}); both fail with a {@link BadInputException} on field
 * {@code max_new_tokens}.
 */
public final class Generator {
  /** Called after every decoding step with the generation-wide manager (tests count its arrays). */
  @FunctionalInterface
  interface StepListener {
    void afterStep(int step, NDManager generation);
  }

  private Generator() {}

  /** Generates for every prompt with {@code config.maxNewTokens()}; returns only the new tokens per prompt. */
  public static List<int[]> generate(LlamaModel model, List<int[]> prompts, GenerationConfig config) {
    int[] budgets = new int[prompts.size()];
    Arrays.fill(budgets, config.maxNewTokens());
    return generate(model, prompts, budgets, config);
  }

  /** As {@link #generate(LlamaModel, List, GenerationConfig)} with a token budget per prompt. */
  public static List<int[]> generate(LlamaModel model, List<int[]> prompts, int[] maxNewTokens,
      GenerationConfig config) {
    return generate(model, prompts, maxNewTokens, config, (step, generation) -> { });
  }

  /**
   * Why a prompt of {@code promptLength} tokens cannot get {@code maxNewTokens} more from a model with this
   * config (its positions would pass {@code max_position_embeddings}), or empty when it can.
   */
  public static Optional<String> positionsProblem(LlamaConfig config, int promptLength, long maxNewTokens) {
    long positions = promptLength + maxNewTokens;
    if (positions <= config.maxPositionEmbeddings()) {
      return Optional.empty();
    }
    return Optional.of("a prompt of " + promptLength + " tokens plus max_new_tokens " + maxNewTokens + " needs "
        + positions + " positions, more than the model's max_position_embeddings " + config.maxPositionEmbeddings()
        + "; lower max_new_tokens to at most " + Math.max(0, config.maxPositionEmbeddings() - promptLength));
  }

  static List<int[]> generate(LlamaModel model, List<int[]> prompts, int[] maxNewTokens, GenerationConfig config,
      StepListener listener) {
    int n = prompts.size();
    if (maxNewTokens.length != n) {
      throw new IllegalArgumentException("maxNewTokens: need one budget per prompt");
    }
    int vocab = model.config().vocabSize();
    int longest = 0;
    int budget = 0;
    for (int i = 0; i < n; i++) {
      int[] p = prompts.get(i);
      if (p.length == 0) {
        throw new IllegalArgumentException("prompt " + i + " is empty");
      }
      for (int id : p) {
        if (id < 0 || id >= vocab) {
          throw new IllegalArgumentException("prompt " + i + ": token id " + id + " outside [0, " + vocab + ")");
        }
      }
      if (maxNewTokens[i] < 0) {
        throw new IllegalArgumentException("maxNewTokens[" + i + "] must be >= 0");
      }
      Optional<String> tooLong = positionsProblem(model.config(), p.length, maxNewTokens[i]);
      if (maxNewTokens[i] > 0 && tooLong.isPresent()) {
        throw new BadInputException(null, 0, "max_new_tokens", "prompt " + i + ": " + tooLong.get());
      }
      longest = Math.max(longest, p.length);
      budget = Math.max(budget, maxNewTokens[i]);
    }
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
    }
    if (n == 0 || budget == 0) {
      return toArrays(out);
    }
    requireMemory(model, n, longest, budget);
    Set<Integer> eos = new HashSet<>(model.config().eosTokenIds());
    Sampler sampler = new Sampler(config, n);
    boolean[] done = new boolean[n];
    for (int i = 0; i < n; i++) {
      done[i] = maxNewTokens[i] == 0;
    }
    long[] tokens = new long[n * longest];
    long[] mask = new long[n * longest];
    for (int i = 0; i < n; i++) {
      int[] p = prompts.get(i);
      int pad = longest - p.length;
      for (int j = 0; j < p.length; j++) {
        tokens[i * longest + pad + j] = p[j];
        mask[i * longest + pad + j] = 1;
      }
    }
    try (NDManager gen = model.manager().newSubManager();
        KvCache cache = model.newCache(gen)) {
      NDArray fullMask = gen.create(mask, new Shape(n, longest)); // [n, S]
      NDArray step = gen.create(tokens, new Shape(n, longest)); // [n, Tq]
      for (int s = 0; s < budget; s++) {
        long[] next;
        try (NDManager scope = gen.newSubManager()) {
          step.attach(scope);
          NDArray hidden = model.hiddenStates(step, fullMask, cache); // [n, Tq, hidden]
          long t = hidden.getShape().get(1);
          NDArray rowLogits = model.logits(hidden.get(":, {}, :", t - 1)); // [n, vocab] fp32
          // argmax on the device: n ids cross to the host instead of n × vocab logits (first max wins ties)
          next = config.isGreedy() ? rowLogits.argMax(-1).toLongArray() : sampler.next(rowLogits);
        }
        boolean all = true;
        long[] nextIds = new long[n];
        for (int i = 0; i < n; i++) {
          if (!done[i]) {
            int id = (int) next[i];
            out.get(i).add(id);
            nextIds[i] = id;
            done[i] = out.get(i).size() >= maxNewTokens[i] || (config.stopAtEos() && eos.contains(id));
          }
          all &= done[i];
        }
        if (all) {
          break;
        }
        step = gen.create(nextIds, new Shape(n, 1));
        NDArray ones = gen.ones(new Shape(n, 1), fullMask.getDataType());
        NDArray grown = NDArrays.concat(new NDList(fullMask, ones), 1);
        fullMask.close();
        ones.close();
        fullMask = grown;
        listener.afterStep(s, gen);
      }
    }
    return toArrays(out);
  }

  private static void requireMemory(LlamaModel model, int n, int longest, int budget) {
    LlamaConfig c = model.config();
    MemoryEstimate need = MemoryEstimate.generation(c, n, longest, budget, model.computeType().getNumOfBytes());
    long have = MemoryEstimate.deviceBytes(model.manager().getDevice());
    if (!need.fits(have)) {
      throw new BadInputException(null, 0, "max_new_tokens", need.what() + " needs about "
          + MemoryEstimate.gib(need.bytes()) + " (KV cache of " + c.numHiddenLayers() + " layers, attention, "
          + "activations) but there are " + MemoryEstimate.gib(have) + " "
          + MemoryEstimate.where(model.manager().getDevice()) + "; generate fewer sequences at a time or fewer tokens");
    }
  }

  private static List<int[]> toArrays(List<List<Integer>> lists) {
    List<int[]> out = new ArrayList<>(lists.size());
    for (List<Integer> l : lists) {
      out.add(l.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }
}
