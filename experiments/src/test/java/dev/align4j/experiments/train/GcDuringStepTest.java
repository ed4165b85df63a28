package dev.align4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.PreferenceLossStep;
import dev.align4j.losses.DpoNormConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between a micro-batch's forward and backward pass must not change the update. It did:
 * DJL's {@code NDArray.mul(Number)} (and div, pow) hands torch a 0-d tensor over a Java direct buffer and closes
 * it at once, autograd keeps that tensor for the backward pass, and once a GC had run the buffer's cleaner the
 * backward read freed memory (the demo's DPO runs differed across JVMs in grad_norm with identical losses).
 * Here the freed small buffers are also reused at once with NaN bytes, so such a read shows for sure.
 */
class GcDuringStepTest {

  @Test
  void aDpoUpdateIsBitIdenticalWhenGarbageIsCollectedBetweenForwardAndBackward()
      throws Exception {
    Path model = Path.of("../models/tiny-arith");
    Update quiet = dpoUpdate(model, false);
    Update collected = dpoUpdate(model, true);
    assertEquals(quiet.gradNorm(), collected.gradNorm(), 0.0, "grad_norm");
    assertEquals(quiet.weights().keySet(), collected.weights().keySet());
    assertEquals(false, quiet.weights().isEmpty());
    for (String name : quiet.weights().keySet()) {
      assertArrayEquals(quiet.weights().get(name), collected.weights().get(name), 0f, name);
    }
  }

  private record Update(double gradNorm, Map<String, float[]> weights) {}

  /** One AdamW update of dpo_norm over two micro-batches on a fresh copy of the tiny model. */
  private static Update dpoUpdate(Path folder, boolean collectBeforeBackward) {
    try (PolicyModel policy = PolicyModel.load(folder, folder, "tulu")) {
      List<EncodedPair> pairs = TinyDpo.pairs(policy);
      PreferenceLossStep loss = new PreferenceLossStep(policy, pairs, Optional.of(TinyDpo.reference(pairs.size())),
          new DpoNormConfig(5.0).create());
      policy.trainable();
      Map<String, NDArray> params = policy.model().parameters();
      List<ByteBuffer> scribbles = new ArrayList<>();
      try (AdamW optimizer = new AdamW(AdamWConfig.DEFAULT, policy.model().manager())) {
        TrainStep step = new TrainStep(params, optimizer, 1.0, policy.model().manager());
        StepResult r = step.run(List.of(new int[] {0, 1}, new int[] {2, 3}), 1e-3, new MicroBatchLoss<int[]>() {
          @Override
          public double weight(int[] indices) {
            return loss.weight(indices);
          }

          @Override
          public MicroBatchResult compute(ai.djl.ndarray.NDManager scope, int[] indices) {
            var result = loss.compute(scope, indices);
            if (collectBeforeBackward) {
              scribbles.addAll(collectAndReuseFreedMemory());
            }
            return result;
          }
        });
        Map<String, float[]> weights = new LinkedHashMap<>();
        params.forEach((name, p) -> weights.put(name, p.toFloatArray()));
        return new Update(r.gradNorm(), weights);
      }
    }
  }

  /**
   * Runs the GC until the cleaners have freed unreachable direct buffers, then takes many small native blocks
   * (the size of a 0-d tensor's buffer) and fills them with NaN bytes; the caller keeps them until backward.
   */
  private static List<ByteBuffer> collectAndReuseFreedMemory() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(30);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<ByteBuffer> blocks = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(8);
      b.putLong(0, -1L);
      blocks.add(b);
    }
    return blocks;
  }
}
