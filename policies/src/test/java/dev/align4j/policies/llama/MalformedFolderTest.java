package dev.align4j.policies.llama;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.policies.safetensors.Checkpoint;
import dev.align4j.policies.safetensors.Safetensors;
import dev.align4j.policies.safetensors.StoredDtype;
import dev.align4j.policies.safetensors.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of broken model folder fails with a message naming the tensor or field. */
class MalformedFolderTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Copies the fixture into dir, with the config edited and the tensor map edited. */
  static void brokenCopy(Path dir, Consumer<ObjectNode> editConfig, Consumer<Map<String, NDArray>> editTensors)
      throws Exception {
    Path src = Fixtures.tinyLlama();
    ObjectNode cfg = (ObjectNode) MAPPER.readTree(src.resolve("config.json").toFile());
    editConfig.accept(cfg);
    MAPPER.writeValue(dir.resolve("config.json").toFile(), cfg);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      for (TensorEntry t : Checkpoint.open(src).tensors().values()) {
        tensors.put(t.name(), Safetensors.readFloat32(t, m));
      }
      editTensors.accept(tensors);
      Safetensors.write(dir.resolve("model.safetensors"), tensors, StoredDtype.F32);
    }
  }

  static void assertFails(Path dir, String... fragments) {
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> LlamaModel.load(dir, LoadOptions.cpu()));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
    }
  }

  @Test
  void missingTensor(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> { }, t -> t.remove("model.layers.1.mlp.up_proj.weight"));
    assertFails(dir, "tensor 'model.layers.1.mlp.up_proj.weight'", "missing");
  }

  @Test
  void missingLmHeadWhenUntied(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> { }, t -> t.remove("lm_head.weight"));
    assertFails(dir, "tensor 'lm_head.weight'", "tie_word_embeddings");
  }

  @Test
  void shapeMismatch(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> c.put("intermediate_size", 128), t -> { });
    assertFails(dir, "tensor 'model.layers.0.mlp.gate_proj.weight'", "[176, 64]", "[128, 64]");
  }

  @Test
  void configHasFewerLayersThanWeights(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> c.put("num_hidden_layers", 1), t -> { });
    assertFails(dir, "model.layers.1.", "num_hidden_layers = 1");
  }

  @Test
  void unknownRopeType(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0), t -> { });
    assertFails(dir, "config.json", "field 'rope_scaling.rope_type'", "yarn");
  }

  @Test
  void missingOrMistypedField(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> c.remove("hidden_size"), t -> { });
    assertFails(dir, "field 'hidden_size'", "missing");
    brokenCopy(dir, c -> c.put("num_key_value_heads", 3), t -> { });
    assertFails(dir, "field 'num_key_value_heads'");
    brokenCopy(dir, c -> c.put("rms_norm_eps", "small"), t -> { });
    assertFails(dir, "field 'rms_norm_eps'", "number");
  }

  @Test
  void llama3ScalingNeedsItsFields(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0), t -> { });
    assertFails(dir, "field 'rope_scaling.low_freq_factor'", "missing");
  }

  @Test
  void truncatedWeights(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> { }, t -> { });
    Path w = dir.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(w);
    Files.write(w, java.util.Arrays.copyOf(all, all.length - 100));
    assertFails(dir, "model.safetensors", "truncated");
  }

  @Test
  void nonFiniteWeightsAreRefusedNamingTheTensor(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> { }, t -> {
      NDArray w = t.get("model.layers.1.self_attn.v_proj.weight");
      float[] v = w.toFloatArray();
      v[37] = Float.NaN;
      v[40] = Float.NEGATIVE_INFINITY;
      w.set(v);
    });
    // v_proj of fixtures/tiny-llama/config.json: [kv_heads 2 x head_dim 16, hidden 64] = 2048 values, 2 set above
    assertFails(dir, "model.safetensors", "tensor 'model.layers.1.self_attn.v_proj.weight'",
        "2 of 2048 values are NaN or infinite", "flat index 37");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void absurdSizesAreRefusedFromAnEstimateBeforeAllocating(@TempDir Path dir) throws Exception {
    brokenCopy(dir, c -> c.put("num_hidden_layers", 1_000_000_000), t -> { });
    assertFails(dir, "config.json", "field 'num_hidden_layers'", "GiB");
    brokenCopy(dir, c -> c.put("vocab_size", 2_000_000_000).put("hidden_size", 65536).put("head_dim", 16), t -> { });
    assertFails(dir, "config.json", "field 'vocab_size'", "GiB");
    LlamaConfig huge = new LlamaConfig(50, 4096, 11008, 1_000_000_000, 32, 8, 128, 1e-5, 10000.0,
        new RopeScaling.None(), 4096, false, java.util.OptionalInt.of(1), java.util.List.of(2));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> LlamaModel.randomInit(huge, 1L, LoadOptions.cpu()));
    assertTrue(e.getMessage().contains("num_hidden_layers"), e.getMessage());
  }

  @Test
  void moreLayersThanTheWeightsHoldNameTheFirstMissingLayer(@TempDir Path dir) throws Exception {
    // 3000 layers of the tiny fixture (0.5 GB) fit in memory by the estimate but not in the weights
    brokenCopy(dir, c -> c.put("num_hidden_layers", 3000), t -> { });
    assertFails(dir, "tensor 'model.layers.2.input_layernorm.weight'", "missing", "num_hidden_layers = 3000",
        "layers 0..1");
  }
}
