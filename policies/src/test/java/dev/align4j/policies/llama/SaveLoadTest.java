package dev.align4j.policies.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.policies.safetensors.Checkpoint;
import dev.align4j.policies.safetensors.Safetensors;
import dev.align4j.policies.safetensors.StoredDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** randomInit determinism, save → load round trips (single file, sharded, bf16) and tied embeddings. */
class SaveLoadTest {
  static final LlamaConfig CFG = LlamaConfig.small(61, 16, 40, 2, 4, 2);

  static float[] logits(LlamaModel m) {
    try (NDManager s = m.manager().newSubManager()) {
      NDArray t = s.create(new long[] {1, 5, 9, 60, 0, 3}, new Shape(2, 3));
      return m.forward(t, s.ones(new Shape(2, 3))).toFloatArray();
    }
  }

  @Test
  void randomInitIsSeededAndRoundTripsExactly(@TempDir Path dir) {
    try (LlamaModel a = LlamaModel.randomInit(CFG, 3L, LoadOptions.cpu());
        LlamaModel b = LlamaModel.randomInit(CFG, 3L, LoadOptions.cpu());
        LlamaModel c = LlamaModel.randomInit(CFG, 4L, LoadOptions.cpu())) {
      assertArrayEquals(logits(a), logits(b));
      assertNotEquals(logits(a)[0], logits(c)[0]);
      // HF init: std 0.02 for matrices
      float[] q = a.parameters().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
      double var = 0;
      for (float v : q) {
        var += v * v;
      }
      assertEquals(0.02, Math.sqrt(var / q.length), 0.004);
      a.save(dir);
      assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
      try (LlamaModel back = LlamaModel.load(dir, LoadOptions.cpu())) {
        assertEquals(a.config(), back.config());
        assertFalse(a.parameters().isEmpty());
        assertEquals(a.parameters().keySet(), back.parameters().keySet());
        for (var e : a.parameters().entrySet()) {
          assertArrayEquals(e.getValue().toFloatArray(), back.parameters().get(e.getKey()).toFloatArray(), e.getKey());
        }
        assertArrayEquals(logits(a), logits(back));
      }
    }
  }

  @Test
  void shardedSaveLoadsIdentically(@TempDir Path dir) throws Exception {
    try (LlamaModel a = LlamaModel.randomInit(CFG, 5L, LoadOptions.cpu())) {
      a.save(dir, StoredDtype.F32, 6_000);
      assertTrue(Files.isRegularFile(dir.resolve(Checkpoint.INDEX_FILE)));
      assertTrue(Files.notExists(dir.resolve(Checkpoint.SINGLE_FILE)));
      try (Stream<Path> files = Files.list(dir)) {
        long shards = files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
            .count();
        assertTrue(shards >= 3, "expected several shards, got " + shards);
      }
      try (LlamaModel back = LlamaModel.load(dir, LoadOptions.cpu())) {
        assertArrayEquals(logits(a), logits(back));
      }
    }
  }

  @Test
  void bf16WeightsLoadWithinBf16RoundingAndComputeInFp32(@TempDir Path dir) throws Exception {
    try (LlamaModel a = LlamaModel.randomInit(CFG, 6L, LoadOptions.cpu())) {
      a.save(dir, StoredDtype.BF16, Long.MAX_VALUE);
      assertTrue(Files.readString(dir.resolve("config.json")).contains("bfloat16"));
      assertEquals(StoredDtype.BF16,
          Checkpoint.open(dir).tensors().get("model.norm.weight").dtype());
      try (LlamaModel back = LlamaModel.load(dir, LoadOptions.cpu())) {
        assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, back.computeType());
        assertEquals(a.parameters().keySet(), back.parameters().keySet());
        assertFalse(a.parameters().isEmpty());
        for (var e : a.parameters().entrySet()) {
          float[] want = e.getValue().toFloatArray();
          float[] got = back.parameters().get(e.getKey()).toFloatArray();
          for (int i = 0; i < want.length; i++) {
            // bf16 keeps 8 significant bits: relative rounding error <= half an ulp = 2^-8
            assertEquals(want[i], got[i], Math.abs(want[i]) * 0x1p-8f, e.getKey() + "[" + i + "]");
            assertEquals(Float.intBitsToFloat(Safetensors.floatToBf16(want[i]) << 16), got[i]);
          }
        }
        float[] la = logits(a);
        float[] lb = logits(back);
        // these logits are at most ~0.22 in size and bf16 rounding moved them by at most 6.8e-4 (measured, seed 6):
        // 5e-3 leaves room for other CPUs, where the former 0.02 was a tenth of the logits' whole range
        for (int i = 0; i < la.length; i++) {
          assertEquals(la[i], lb[i], 5e-3);
        }
      }
    }
  }

  @Test
  void halfPrecisionDecodingIsExact() {
    assertEquals(1.0f, Safetensors.halfToFloat((short) 0x3C00));
    assertEquals(-2.0f, Safetensors.halfToFloat((short) 0xC000));
    assertEquals(65504f, Safetensors.halfToFloat((short) 0x7BFF));
    assertEquals(0x1p-24f, Safetensors.halfToFloat((short) 0x0001));
    assertEquals(Float.NEGATIVE_INFINITY, Safetensors.halfToFloat((short) 0xFC00));
    assertTrue(Float.isNaN(Safetensors.halfToFloat((short) 0x7E00)));
  }

  @Test
  void tiedEmbeddingsNeedNoLmHeadAndShareTheMatrix(@TempDir Path dir) {
    LlamaConfig tied = new LlamaConfig(61, 16, 40, 1, 4, 4, 4, 1e-6, 500000.0, new RopeScaling.None(), 128, true,
        OptionalInt.empty(), List.of(2, 3));
    try (LlamaModel a = LlamaModel.randomInit(tied, 9L, LoadOptions.cpu())) {
      assertTrue(!a.parameters().containsKey("lm_head.weight"));
      a.save(dir);
      assertTrue(!Checkpoint.open(dir).tensors().containsKey("lm_head.weight"));
      try (LlamaModel back = LlamaModel.load(dir, LoadOptions.cpu())) {
        assertEquals(List.of(2, 3), back.config().eosTokenIds());
        assertArrayEquals(logits(a), logits(back));
        try (NDManager s = back.manager().newSubManager()) {
          // tied: logits of the final hidden state equal h · E^T with E the embedding matrix
          NDArray t = s.create(new long[] {4, 7}, new Shape(1, 2));
          NDArray h = back.hiddenStates(t, s.ones(new Shape(1, 2)));
          NDArray manual = h.matMul(back.parameters().get("model.embed_tokens.weight").transpose());
          assertArrayEquals(manual.toFloatArray(), back.logits(h).toFloatArray(), 1e-5f);
        }
      }
    }
  }
}
