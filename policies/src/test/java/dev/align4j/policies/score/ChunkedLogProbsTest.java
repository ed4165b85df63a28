package dev.align4j.policies.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.align4j.policies.llama.Fixtures;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.llama.TrainingAttention;
import dev.align4j.policies.lora.LoraConfig;
import dev.align4j.policies.lora.LoraModel;
import dev.align4j.policies.lora.LoraTesting;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkedLogProbs} (values-only forward, head recomputed chunk by chunk in backward) against the one-pass
 * autograd path ({@link TokenLogProbs} under a collector, whose head gradient torch derives itself), and gradient
 * checkpointing against the plain graph: the same loss value and the same gradient for every weight, to float32
 * rounding, on the tiny-llama fixture (untied head), with LoRA adapters (head not adapted, base frozen), and on the
 * tied-embedding fixture (the head weight is the embedding, so its gradient has a head part and a lookup part).
 */
class ChunkedLogProbsTest {
  /** Three sequences with different prompt lengths and padding; 3 rows per chunk gives several partial chunks. */
  static final SequenceBatch BATCH = SequenceBatch.rightPadded(List.of(
      new int[] {1, 17, 90, 3, 59, 42, 7, 95, 12}, new int[] {1, 5, 6, 7, 8}, new int[] {1, 40, 41, 42, 43, 44, 45}),
      new int[] {3, 1, 5}, 0);
  static final int CHUNK = 3;

  /** How a run scores the batch: the reference one-pass path, or the chunked two-phase path. */
  enum Path2 {
    ONE_PASS,
    CHUNKED
  }

  /**
   * A loss that gives every scored token its own gradient: {@code Σ_b w_b·sum_b + 0.3·Σ perToken²}, with
   * {@code w = (1, -0.5, 2)}.
   */
  static NDArray loss(BatchLogProbs lp, NDManager scope) {
    NDArray w = scope.create(new float[] {1f, -0.5f, 2f});
    return lp.sums().mul(w).sum().add(lp.perToken().square().sum().mul(scope.create(0.3f)));
  }

  /** Loss value and a copy of the gradient of each array in {@code weights}, after one backward pass. */
  static double run(LlamaModel model, Map<String, NDArray> weights, Path2 path, Map<String, float[]> grads) {
    for (NDArray w : weights.values()) {
      if (w.hasGradient()) {
        try (NDArray g = w.getGradient()) {
          g.muli(0f);
        }
      }
    }
    double value;
    try (NDManager scope = model.manager().newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      if (path == Path2.ONE_PASS) {
        NDArray l = loss(TokenLogProbs.compute(model, BATCH, scope, CHUNK), scope);
        gc.backward(l);
        value = l.getFloat();
      } else {
        ChunkedLogProbs lp = ChunkedLogProbs.forward(model, BATCH, scope, CHUNK);
        NDArray l = loss(lp.logProbs(), scope);
        gc.backward(l);
        lp.backward();
        value = l.getFloat();
      }
    }
    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
      try (NDArray g = e.getValue().getGradient()) {
        grads.put(e.getKey(), g.toFloatArray());
      }
    }
    return value;
  }

  static void assertSameGradients(Map<String, float[]> want, Map<String, float[]> got, String what) {
    assertEquals(want.keySet(), got.keySet());
    int nonZero = 0;
    for (String k : want.keySet()) {
      float[] a = want.get(k);
      float[] b = got.get(k);
      double scale = 0;
      for (float v : a) {
        scale = Math.max(scale, Math.abs(v));
      }
      nonZero += scale > 0 ? 1 : 0;
      // float32 rounding of sums over ~20 tokens and 256 logits: a few ulps of the largest entry
      assertArrayEquals(a, b, (float) (2e-5 * Math.max(scale, 1e-3)), what + ": gradient of " + k);
    }
    assertTrue(nonZero >= want.size() - 1, what + ": almost every weight must get a gradient, got " + nonZero);
  }

  static Map<String, NDArray> trainAll(LlamaModel model) {
    for (NDArray p : model.parameters().values()) {
      p.setRequiresGradient(true);
    }
    return model.parameters();
  }

  /**
   * The one-pass reference (eager attention under a collector) against the chunked path with every attention
   * and checkpointing combination: eager, blockwise with blocks of 2 query rows of 1 sequence and of 4 rows of 2
   * sequences (several blocks per sequence and per batch, the last ones partial, padding inside blocks), and
   * blockwise sized by elements (one block here).
   */
  static void compareAllPaths(LlamaModel model, Map<String, NDArray> weights, String what) {
    Map<String, float[]> ref = new LinkedHashMap<>();
    double refLoss = run(model, weights, Path2.ONE_PASS, ref);
    List<TrainingAttention> attentions = List.of(TrainingAttention.EAGER, TrainingAttention.blockwise(2, 1),
        TrainingAttention.blockwise(4, 2), TrainingAttention.BLOCKWISE);
    try {
      for (TrainingAttention attention : attentions) {
        for (boolean checkpointing : new boolean[] {false, true}) {
          String how = what + " chunked, " + attention + (checkpointing ? ", checkpointing" : "");
          model.setTrainingAttention(attention);
          model.setGradientCheckpointing(checkpointing);
          Map<String, float[]> got = new LinkedHashMap<>();
          double loss = run(model, weights, Path2.CHUNKED, got);
          assertEquals(refLoss, loss, 1e-5 * Math.abs(refLoss), how + ": loss");
          assertSameGradients(ref, got, how + " vs one pass");
        }
      }
    } finally {
      model.setGradientCheckpointing(false);
      model.setTrainingAttention(TrainingAttention.BLOCKWISE);
    }
  }

  @Test
  void untiedHeadAllWeightsTrain() {
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu())) {
      assertFalse(model.config().tieWordEmbeddings());
      compareAllPaths(model, trainAll(model), "tiny-llama");
    }
  }

  @Test
  void tiedEmbeddingIsTheHead() throws URISyntaxException {
    Path dir = Path.of(ChunkedLogProbsTest.class.getResource("/fixtures/llama3-tied-gqa/config.json").toURI())
        .getParent();
    try (LlamaModel model = LlamaModel.load(dir, LoadOptions.cpu())) {
      assertTrue(model.config().tieWordEmbeddings());
      compareAllPaths(model, trainAll(model), "llama3-tied-gqa");
    }
  }

  @Test
  void loraAdaptersWithFrozenBaseAndHead() {
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu());
        LoraModel lora = LoraModel.attach(model, LoraConfig.allProjections(4, 8.0, 0.0).withSeed(3))) {
      LoraTesting.randomizeB(lora, 5);
      compareAllPaths(model, lora.trainableParameters(), "tiny-llama + LoRA");
      for (NDArray p : model.parameters().values()) {
        assertFalse(p.hasGradient(), "base weights stay frozen");
      }
    }
  }

  @Test
  void checkpointingRecomputesTheSameLoraDropoutMasks() {
    // dropout draws from torch's generator; a recomputed layer must draw the mask it drew in the forward pass
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu());
        LoraModel lora = LoraModel.attach(model, LoraConfig.allProjections(4, 8.0, 0.5).withSeed(3))) {
      LoraTesting.randomizeB(lora, 6);
      lora.setMode(LoraModel.Mode.TRAIN);
      Map<String, NDArray> weights = lora.trainableParameters();
      Engine.getInstance().setRandomSeed(123);
      Map<String, float[]> plain = new LinkedHashMap<>();
      double plainLoss = run(model, weights, Path2.CHUNKED, plain);
      Engine.getInstance().setRandomSeed(123);
      Map<String, float[]> again = new LinkedHashMap<>();
      run(model, weights, Path2.CHUNKED, again);
      model.setGradientCheckpointing(true);
      Engine.getInstance().setRandomSeed(123);
      Map<String, float[]> checkpointed = new LinkedHashMap<>();
      double checkpointedLoss = run(model, weights, Path2.CHUNKED, checkpointed);
      Engine.getInstance().setRandomSeed(124);
      Map<String, float[]> otherSeed = new LinkedHashMap<>();
      double otherLoss = run(model, weights, Path2.CHUNKED, otherSeed);
      // eager attention draws the masks in the same order (q, k, v, o, gate, up, down)
      model.setGradientCheckpointing(false);
      model.setTrainingAttention(TrainingAttention.EAGER);
      Engine.getInstance().setRandomSeed(123);
      Map<String, float[]> eager = new LinkedHashMap<>();
      double eagerLoss = run(model, weights, Path2.CHUNKED, eager);
      model.setTrainingAttention(TrainingAttention.BLOCKWISE);
      assertEquals(plainLoss, checkpointedLoss, 1e-5 * Math.abs(plainLoss));
      assertEquals(plainLoss, eagerLoss, 1e-5 * Math.abs(plainLoss));
      assertSameGradients(plain, again, "dropout, same seed");
      assertSameGradients(plain, checkpointed, "dropout, checkpointed vs plain");
      assertSameGradients(eager, plain, "dropout, blockwise vs eager attention");
      assertTrue(Math.abs(otherLoss - plainLoss) > 1e-3, "dropout must be active: another seed changes the loss");
    }
  }

  @Test
  void aSecondStepAfterACheckpointedOneDrawsTheMasksOfThePlainPath() {
    // micro-batches follow each other without reseeding: the generator state a checkpointed backward pass leaves
    // must be the one the plain path leaves, or the second micro-batch draws other masks
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu());
        LoraModel lora = LoraModel.attach(model, LoraConfig.allProjections(4, 8.0, 0.5).withSeed(3))) {
      LoraTesting.randomizeB(lora, 6);
      lora.setMode(LoraModel.Mode.TRAIN);
      Map<String, NDArray> weights = lora.trainableParameters();
      Map<String, float[]> plain = new LinkedHashMap<>();
      Map<String, float[]> checkpointed = new LinkedHashMap<>();
      Engine.getInstance().setRandomSeed(77);
      run(model, weights, Path2.CHUNKED, new LinkedHashMap<>());
      double plainLoss = run(model, weights, Path2.CHUNKED, plain);
      model.setGradientCheckpointing(true);
      Engine.getInstance().setRandomSeed(77);
      run(model, weights, Path2.CHUNKED, new LinkedHashMap<>());
      double checkpointedLoss = run(model, weights, Path2.CHUNKED, checkpointed);
      assertEquals(plainLoss, checkpointedLoss, 1e-5 * Math.abs(plainLoss));
      assertSameGradients(plain, checkpointed, "second step, dropout, checkpointed vs plain");
    }
  }

  @Test
  void frozenModelWithOnlyTheHeadTraining() {
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu())) {
      NDArray head = model.parameters().get("lm_head.weight");
      head.setRequiresGradient(true);
      Map<String, NDArray> weights = Map.of("lm_head.weight", head);
      compareAllPaths(model, weights, "head only");
    }
  }

  @Test
  void backwardRunsOnceAndEmptyBatchesWork() {
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu())) {
      trainAll(model);
      SequenceBatch unscored = new SequenceBatch(new int[][] {{1, 2, 3}}, new int[][] {{1, 1, 1}},
          new int[][] {{0, 0, 0}});
      try (NDManager scope = model.manager().newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        ChunkedLogProbs lp = ChunkedLogProbs.forward(model, unscored, scope, CHUNK);
        assertEquals(0f, lp.logProbs().sums().getFloat(0));
        assertEquals(0f, lp.logProbs().counts().getFloat(0));
        ChunkedLogProbs scored = ChunkedLogProbs.forward(model, BATCH, scope, CHUNK);
        gc.backward(scored.logProbs().sums().sum());
        scored.backward();
        assertThrows(IllegalStateException.class, scored::backward);
      }
    }
  }

  /**
   * Loss value and gradients of an RL-shaped loss on log-probs and entropy at temperature τ: {@code Σ_b w_b·sum_b +
   * 0.3·Σ perToken² − 0.7·Σ entropy}, through the one-pass path ({@link TokenLogProbs#score}) or the chunked one.
   */
  static double runScored(LlamaModel model, Map<String, NDArray> weights, Path2 path, double tau,
      Map<String, float[]> grads) {
    for (NDArray w : weights.values()) {
      if (w.hasGradient()) {
        try (NDArray g = w.getGradient()) {
          g.muli(0f);
        }
      }
    }
    ScoreOptions options = new ScoreOptions(CHUNK, tau, ScoreOptions.Entropy.DIFFERENTIABLE);
    double value;
    try (NDManager scope = model.manager().newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      ChunkedLogProbs chunked = null;
      BatchLogProbs lp;
      NDArray entropy;
      if (path == Path2.ONE_PASS) {
        TokenScores s = TokenLogProbs.score(model, BATCH, scope, options);
        lp = s.logProbs();
        entropy = s.entropy().orElseThrow();
      } else {
        chunked = ChunkedLogProbs.forward(model, BATCH, scope, options);
        lp = chunked.logProbs();
        entropy = chunked.entropy().orElseThrow();
      }
      NDArray l = loss(lp, scope).sub(entropy.sum().mul(scope.create(0.7f)));
      gc.backward(l);
      if (chunked != null) {
        chunked.backward();
      }
      value = l.getFloat();
    }
    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
      try (NDArray g = e.getValue().getGradient()) {
        grads.put(e.getKey(), g.toFloatArray());
      }
    }
    return value;
  }

  @Test
  void temperatureAndADifferentiableEntropyMatchTheOnePassPath() {
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu())) {
      Map<String, NDArray> weights = trainAll(model);
      for (double tau : new double[] {1.0, 0.7}) {
        Map<String, float[]> ref = new LinkedHashMap<>();
        double refLoss = runScored(model, weights, Path2.ONE_PASS, tau, ref);
        Map<String, float[]> chunked = new LinkedHashMap<>();
        double chunkedLoss = runScored(model, weights, Path2.CHUNKED, tau, chunked);
        assertEquals(refLoss, chunkedLoss, 1e-5 * Math.abs(refLoss), "loss at tau " + tau);
        assertSameGradients(ref, chunked, "entropy bonus at tau " + tau + ", chunked vs one pass");
      }
      // the temperature changes the gradients (so the test above can tell a missing 1/tau)
      Map<String, float[]> one = new LinkedHashMap<>();
      Map<String, float[]> hot = new LinkedHashMap<>();
      runScored(model, weights, Path2.CHUNKED, 1.0, one);
      runScored(model, weights, Path2.CHUNKED, 0.7, hot);
      assertFalse(java.util.Arrays.equals(one.get("lm_head.weight"), hot.get("lm_head.weight")));
    }
  }

  @Test
  void entropyIsThatOfTheTemperatureScaledDistribution() {
    try (LlamaModel model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu());
        NDManager scope = model.manager().newSubManager()) {
      double tau = 1.7;
      TokenScores s = TokenLogProbs.score(model, BATCH, scope,
          new ScoreOptions(CHUNK, tau, ScoreOptions.Entropy.DETACHED));
      // the same quantities in plain Java from the full logits of each scored position
      int checked = 0;
      for (int b = 0; b < BATCH.batchSize(); b++) {
        NDArray tokens = scope.create(BATCH.tokens()[b]).toType(ai.djl.ndarray.types.DataType.INT64, false)
            .mul(scope.create(BATCH.attentionMask()[b]).toType(ai.djl.ndarray.types.DataType.INT64, false))
            .expandDims(0);
        NDArray att = scope.create(BATCH.attentionMask()[b]).toType(ai.djl.ndarray.types.DataType.INT64, false)
            .expandDims(0);
        float[][] logits = toRows(model.logits(model.hiddenStates(tokens, att).get(0)));
        for (int i = 0; i + 1 < BATCH.length(); i++) {
          if (BATCH.completionMask()[b][i + 1] == 0) {
            continue;
          }
          double max = Double.NEGATIVE_INFINITY;
          for (float z : logits[i]) {
            max = Math.max(max, z / tau);
          }
          double sum = 0;
          for (float z : logits[i]) {
            sum += Math.exp(z / tau - max);
          }
          double logZ = max + Math.log(sum);
          double h = 0;
          for (float z : logits[i]) {
            double lp = z / tau - logZ;
            h -= Math.exp(lp) * lp;
          }
          double logp = logits[i][BATCH.tokens()[b][i + 1]] / tau - logZ;
          assertEquals(logp, s.logProbs().perToken().getFloat(b, i), 1e-4, "logp at " + b + "," + i);
          assertEquals(h, s.entropy().orElseThrow().getFloat(b, i), 1e-4, "entropy at " + b + "," + i);
          checked++;
        }
      }
      assertTrue(checked > 10, "scored positions checked: " + checked);
      assertEquals(0f, s.entropy().orElseThrow().getFloat(0, 0), 0f, "unscored positions are 0");
    }
  }

  private static float[][] toRows(NDArray matrix) {
    int rows = (int) matrix.getShape().get(0);
    int cols = (int) matrix.getShape().get(1);
    float[] flat = matrix.toFloatArray();
    float[][] out = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, out[r], 0, cols);
    }
    return out;
  }
}
