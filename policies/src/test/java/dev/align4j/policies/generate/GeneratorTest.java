package dev.align4j.policies.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.core.BadInputException;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** KV-cache generation against full recompute, batching, seeding and EOS stopping on a random small model. */
class GeneratorTest {
  static LlamaModel model;
  static final List<int[]> PROMPTS = List.of(new int[] {1, 5, 9}, new int[] {1}, new int[] {1, 7, 3, 3, 8, 20, 11},
      new int[] {4, 4});

  @BeforeAll
  static void init() {
    // larger-than-default init so that logits are far from uniform and argmax margins are clear
    model = LlamaModel.randomInit(LlamaConfig.small(97, 32, 64, 2, 4, 2), 7L, LoadOptions.cpu());
    for (NDArray p : model.parameters().values()) {
      if (p.getShape().dimension() == 2) {
        p.muli(8f);
      }
    }
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** Greedy decoding by recomputing the whole prefix every step, no cache, one prompt at a time. */
  static int[] greedyFullRecompute(int[] prompt, int n) {
    List<Integer> seq = new ArrayList<>();
    for (int t : prompt) {
      seq.add(t);
    }
    int[] out = new int[n];
    for (int s = 0; s < n; s++) {
      try (NDManager m = model.manager().newSubManager()) {
        long[] ids = seq.stream().mapToLong(Integer::longValue).toArray();
        NDArray tokens = m.create(ids, new Shape(1, ids.length));
        NDArray logits = model.forward(tokens, m.ones(new Shape(1, ids.length)));
        int next = (int) logits.get(0, ids.length - 1).argMax().getLong();
        out[s] = next;
        seq.add(next);
      }
    }
    return out;
  }

  @Test
  void kvCacheGreedyEqualsFullRecomputeAndBatchedEqualsOneByOne() {
    List<int[]> batched = Generator.generate(model, PROMPTS, GenerationConfig.greedy(10));
    for (int i = 0; i < PROMPTS.size(); i++) {
      int[] alone = Generator.generate(model, List.of(PROMPTS.get(i)), GenerationConfig.greedy(10)).get(0);
      assertArrayEquals(greedyFullRecompute(PROMPTS.get(i), 10), alone, "prompt " + i + " cache vs recompute");
      assertArrayEquals(alone, batched.get(i), "prompt " + i + " batched vs alone");
    }
  }

  @Test
  void seededSamplingIsReproducibleAndSeedMatters() {
    GenerationConfig cfg = new GenerationConfig(12, 1.0, 0.9, 42L, false);
    List<int[]> a = Generator.generate(model, PROMPTS, cfg);
    List<int[]> b = Generator.generate(model, PROMPTS, cfg);
    List<int[]> c = Generator.generate(model, PROMPTS, new GenerationConfig(12, 1.0, 0.9, 43L, false));
    for (int i = 0; i < PROMPTS.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i));
    }
    boolean anyDiffers = false;
    for (int i = 0; i < PROMPTS.size(); i++) {
      anyDiffers |= !Arrays.equals(a.get(i), c.get(i));
    }
    assertTrue(anyDiffers, "a different seed should change some of 48 sampled tokens");
  }

  @Test
  void tinyTopPIsGreedy() {
    List<int[]> greedy = Generator.generate(model, PROMPTS, GenerationConfig.greedy(6));
    List<int[]> nucleus = Generator.generate(model, PROMPTS, new GenerationConfig(6, 1.0, 1e-9, 5L, false));
    for (int i = 0; i < PROMPTS.size(); i++) {
      assertArrayEquals(greedy.get(i), nucleus.get(i));
    }
  }

  @Test
  void stopsAtEosPerSequenceAndHonoursPerPromptBudgets() {
    List<int[]> free = Generator.generate(model, PROMPTS, GenerationConfig.greedy(10));
    // a model copy whose EOS id is the third token greedy decoding produces for prompt 0
    int eos = free.get(0)[2];
    LlamaConfig c = model.config();
    LlamaConfig withEos = new LlamaConfig(c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
        c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(),
        c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.bosTokenId(), List.of(eos));
    try (LlamaModel m2 = LlamaModel.randomInit(withEos, 7L, LoadOptions.cpu())) {
      for (var e : m2.parameters().entrySet()) {
        e.getValue().set(model.parameters().get(e.getKey()).toFloatArray());
      }
      int[] budgets = {10, 3, 10, 10};
      List<int[]> stopped = Generator.generate(m2, PROMPTS, budgets, GenerationConfig.greedy(10).withStopAtEos(true));
      for (int i = 0; i < PROMPTS.size(); i++) {
        int[] f = free.get(i);
        int cut = budgets[i];
        for (int j = 0; j < cut; j++) {
          if (f[j] == eos) {
            cut = j + 1;
            break;
          }
        }
        assertArrayEquals(Arrays.copyOf(f, cut), stopped.get(i), "prompt " + i);
      }
      assertEquals(3, stopped.get(0).length, "prompt 0 stops at its EOS");
      // prompt 1 is cut by its budget of 3, not by EOS, so both stopping rules are exercised
      assertEquals(3, stopped.get(1).length, "prompt 1 stops at its budget");
      assertTrue(Arrays.stream(stopped.get(1)).noneMatch(t -> t == eos), "no EOS within prompt 1's budget");
    }
  }

  @Test
  void topKOfOneIsGreedy() {
    List<int[]> greedy = Generator.generate(model, PROMPTS, GenerationConfig.greedy(8));
    List<int[]> topOne = Generator.generate(model, PROMPTS, new GenerationConfig(8, 1.5, 1.0, 1, 9L, false));
    for (int i = 0; i < PROMPTS.size(); i++) {
      assertArrayEquals(greedy.get(i), topOne.get(i));
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void liveArraysStayFlatOverTwoHundredSteps() {
    int before = model.manager().getManagedArrays().size();
    List<Integer> counts = new ArrayList<>();
    for (GenerationConfig cfg : List.of(GenerationConfig.greedy(200), new GenerationConfig(200, 1.0, 0.9, 3, 1L,
        false))) {
      counts.clear();
      List<int[]> out = Generator.generate(model, List.of(new int[] {1, 5, 9}, new int[] {4}),
          new int[] {200, 200}, cfg, (step, gen) -> counts.add(gen.getManagedArrays().size()));
      assertEquals(200, out.get(0).length);
      assertEquals(199, counts.size(), "one count per step that feeds a next token (all but the last)");
      // what lives across steps: the grown mask, the next tokens, and keys + values of each of the 2 layers
      int expected = 2 + 2 * model.config().numHiddenLayers();
      for (int s = 0; s < counts.size(); s++) {
        assertEquals(expected, counts.get(s), "arrays alive in the generation scope after step " + s + ": " + cfg);
      }
    }
    assertEquals(before, model.manager().getManagedArrays().size(), "nothing left in the model's manager");
  }

  @Test
  void budgetsBeyondMaxPositionEmbeddingsAreRefusedBeforeWork() {
    LlamaConfig c = model.config();
    int maxPos = 16;
    LlamaConfig shortContext = new LlamaConfig(c.vocabSize(), c.hiddenSize(), c.intermediateSize(),
        c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(),
        c.ropeScaling(), maxPos, c.tieWordEmbeddings(), c.bosTokenId(), c.eosTokenIds());
    try (LlamaModel m = LlamaModel.randomInit(shortContext, 7L, LoadOptions.cpu())) {
      int[] prompt = {1, 5, 9};
      assertEquals(maxPos - 3, Generator.generate(m, List.of(prompt), new int[] {maxPos - 3},
          GenerationConfig.greedy(1)).get(0).length, "the last position still fits");
      BadInputException e = assertThrows(BadInputException.class, () -> Generator.generate(m,
          List.of(new int[] {1}, prompt), new int[] {5, maxPos - 2}, GenerationConfig.greedy(1)));
      assertEquals("max_new_tokens", e.field());
      assertTrue(e.getMessage().contains("prompt 1") && e.getMessage().contains("max_position_embeddings " + maxPos)
          && e.getMessage().contains("at most 13"), e.getMessage());
      BadInputException huge = assertThrows(BadInputException.class, () -> Generator.generate(m, List.of(prompt),
          GenerationConfig.greedy(2_000_000_000)));
      assertEquals("max_new_tokens", huge.field());
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aBatchThatCannotFitInMemoryIsRefusedFromAnEstimate() {
    // a million prompts (GRPO with group_size 1e6): KV cache alone 1e6 × 4001 positions × 2 layers × 512 B = 4 TB
    List<int[]> prompts = new ArrayList<>();
    int[] one = {1};
    for (int i = 0; i < 1_000_000; i++) {
      prompts.add(one);
    }
    BadInputException e = assertThrows(BadInputException.class,
        () -> Generator.generate(model, prompts, GenerationConfig.greedy(4000)));
    assertEquals("max_new_tokens", e.field());
    assertTrue(e.getMessage().contains("1000000 prompts") && e.getMessage().contains("GiB"), e.getMessage());
  }
}
