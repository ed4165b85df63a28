package dev.align4j.policies.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.policies.cache.Digest;
import dev.align4j.policies.llama.Fixtures;
import dev.align4j.policies.llama.InvalidModelException;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.safetensors.Safetensors;
import dev.align4j.policies.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA on the shared tiny-llama fixture (2 layers, hidden 64, 4/2 heads, intermediate 176, vocab 256). */
class LoraModelTest {
    private static final long[][] TOKENS = {{1, 17, 200, 3, 99, 42, 7, 255, 0, 12}, {1, 5, 6, 7, 8, 9, 10, 11, 12, 13}};
    private static final LoraConfig CONFIG = LoraConfig.allProjections(4, 8.0, 0.0).withSeed(11).withBaseModel("tiny-llama");

    @TempDir
    Path dir;

    private LlamaModel model;

    @BeforeEach
    void load() {
        model = LlamaModel.load(Fixtures.tinyLlama(), LoadOptions.cpu());
    }

    @AfterEach
    void close() {
        model.close();
    }

    private float[] logits() {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray tokens = step.create(TOKENS);
            return model.forward(tokens, tokens.onesLike()).toFloatArray();
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void freshAdaptersWithZeroBLeaveTheModelExactlyUnchanged() {
        float[] base = logits();
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            assertTrue(lora.adaptersEnabled());
            assertArrayEquals(base, logits(), 0f);
            assertEquals(2 * 4 * (128 + 96 + 96 + 128 + 240 + 240 + 240), lora.trainableParameterCount());
            float[] a = lora.layers().get("model.layers.0.self_attn.q_proj").loraA().toFloatArray();
            double bound = 1 / Math.sqrt(64);
            for (float v : a) {
                assertTrue(Math.abs(v) <= bound, "Kaiming-uniform A within 1/sqrt(in)");
            }
        }
    }

    @Test
    void adaptersOffIsTheBaseModelAndOnAgainIsTheAdaptedOne() {
        float[] base = logits();
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            LoraTesting.randomizeB(lora, 3);
            float[] adapted = logits();
            assertTrue(maxAbsDiff(base, adapted) > 1e-3, "the adapters must change the output for this test to mean anything");
            float[] reference = lora.withAdaptersDisabled(this::logits);
            assertArrayEquals(base, reference, 0f);
            assertTrue(lora.adaptersEnabled());
            assertArrayEquals(adapted, logits(), 0f);
        }
        assertArrayEquals(base, logits(), 0f, "closing removes the adapters");
    }

    @Test
    void referenceWeightsFingerprintIgnoresAdaptersButSeesAMerge() {
        String base = new Digest().arrays(model.parameters()).hex();
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            LoraTesting.randomizeB(lora, 17);
            assertEquals(base, new Digest().arrays(model.parameters()).hex(), "adapters are not base weights");
            lora.merge();
            assertNotEquals(base, new Digest().arrays(model.parameters()).hex());
        }
    }

    @Test
    void mergedEqualsUnmergedAndUnmergeRestoresTheBaseWeights() {
        float[] baseQ = model.parameters().get("model.layers.1.self_attn.q_proj.weight").toFloatArray();
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            LoraTesting.randomizeB(lora, 5);
            float[] adapted = logits();
            lora.merge();
            assertTrue(lora.isMerged());
            float[] merged = logits();
            assertTrue(maxAbsDiff(adapted, merged) < 2e-5, "merged vs unmerged: " + maxAbsDiff(adapted, merged));
            assertThrows(IllegalStateException.class, lora::disableAdapters);
            lora.unmerge();
            assertTrue(maxAbsDiff(baseQ, model.parameters().get("model.layers.1.self_attn.q_proj.weight").toFloatArray()) < 1e-6);
            assertTrue(maxAbsDiff(adapted, logits()) < 2e-5);
        }
    }

    @Test
    void saveWritesPeftLayoutAndLoadRoundTrips() throws IOException {
        float[] adapted;
        Map<String, float[]> saved = new java.util.TreeMap<>();
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            LoraTesting.randomizeB(lora, 7);
            adapted = logits();
            lora.save(dir);
            lora.trainableParameters().forEach((k, v) -> saved.put(k, v.toFloatArray()));
        }
        assertEquals(28, saved.size(), "A and B of 7 projections in 2 layers");
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        assertEquals("none", cfg.get("bias").asText());
        assertEquals(4, cfg.get("r").asInt());
        assertTrue(cfg.get("lora_alpha").isIntegralNumber());
        assertEquals(8, cfg.get("lora_alpha").asInt());
        assertEquals(0.0, cfg.get("lora_dropout").asDouble());
        assertEquals("tiny-llama", cfg.get("base_model_name_or_path").asText());
        assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
                new ObjectMapper().convertValue(cfg.get("target_modules"), List.class));
        Map<String, TensorEntry> header = Safetensors.header(dir.resolve("adapter_model.safetensors"));
        assertEquals(28, header.size());
        assertArrayEquals(new long[] {4, 64}, header.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
        assertArrayEquals(new long[] {32, 4}, header.get("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight").shape());
        assertArrayEquals(new long[] {64, 4}, header.get("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape());
        try (LoraModel loaded = LoraModel.load(model, dir)) {
            assertEquals(CONFIG.withSeed(0), loaded.config());
            assertEquals(saved.keySet(), loaded.trainableParameters().keySet());
            loaded.trainableParameters().forEach((k, v) -> assertArrayEquals(saved.get(k), v.toFloatArray(), 0f, k));
            assertArrayEquals(adapted, logits(), 0f);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void onlyLoraTensorsReceiveGradients() {
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            LoraTesting.randomizeB(lora, 9); // with B = 0 the gradient of A is exactly zero
            try (NDManager step = model.manager().newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray tokens = step.create(TOKENS);
                NDArray logProbs = model.forward(tokens, tokens.onesLike()).logSoftmax(-1);
                NDArray loss = logProbs.mean().neg();
                gc.backward(loss);
                assertEquals(28, lora.trainableParameters().size());
                assertFalse(model.parameters().isEmpty());
                for (Map.Entry<String, NDArray> p : lora.trainableParameters().entrySet()) {
                    assertTrue(p.getValue().hasGradient(), p.getKey());
                    assertTrue(p.getValue().getGradient().abs().sum().getFloat() > 0, "non-zero gradient of " + p.getKey());
                }
                for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
                    assertFalse(p.getValue().hasGradient(), "base weight " + p.getKey() + " must stay frozen");
                }
            }
        }
    }

    @Test
    void dropoutActsOnlyInTrainingMode() {
        LoraConfig withDropout = new LoraConfig(4, 8.0, 0.5, EnumSet.allOf(TargetModule.class), LoraInit.GAUSSIAN, 1, "");
        try (LoraModel lora = LoraModel.attach(model, withDropout)) {
            LoraTesting.randomizeB(lora, 13);
            float[] eval1 = logits();
            assertArrayEquals(eval1, logits(), 0f);
            lora.setMode(LoraModel.Mode.TRAIN);
            assertTrue(maxAbsDiff(eval1, logits()) > 1e-4);
        }
    }

    @Test
    void onlyTheTargetedProjectionsAreAdapted() {
        LoraConfig qv = new LoraConfig(2, 4.0, 0.0, EnumSet.of(TargetModule.Q_PROJ, TargetModule.V_PROJ), LoraInit.KAIMING_UNIFORM, 0, "");
        try (LoraModel lora = LoraModel.attach(model, qv)) {
            assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                    "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"), List.copyOf(lora.layers().keySet()));
            assertTrue(model.linears().get("model.layers.0.mlp.up_proj").adapter().isEmpty());
            assertThrows(IllegalStateException.class, () -> LoraModel.attach(model, qv), "one adapter set per model");
        }
    }

    @Test
    void malformedAdapterFoldersNameTheFieldOrTensor() throws IOException {
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            lora.save(dir);
        }
        Path cfg = dir.resolve("adapter_config.json");
        String good = Files.readString(cfg);

        Files.writeString(cfg, good.replace("\"r\" : 4", "\"r\" : 8"));
        assertMessage(dir, "lora_A.weight", "shape");

        Files.writeString(cfg, good.replace("\"use_dora\" : false", "\"use_dora\" : true"));
        assertMessage(dir, "use_dora");

        Files.writeString(cfg, good.replace("\"q_proj\"", "\"lm_head\""));
        assertMessage(dir, "target_modules", "lm_head");

        Files.writeString(cfg, good.replace("\"q_proj\", ", ""));
        assertMessage(dir, "q_proj.lora_A.weight", "not a LoRA tensor");

        Files.writeString(cfg, good.replace("\"LORA\"", "\"IA3\""));
        assertMessage(dir, "peft_type");

        Files.writeString(cfg, good);
        Files.delete(dir.resolve("adapter_model.safetensors"));
        assertMessage(dir, "adapter_model.safetensors");
    }

    private void assertMessage(Path adapterDir, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraModel.load(model, adapterDir).close());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
        }
        assertTrue(model.linears().values().stream().allMatch(l -> l.adapter().isEmpty()), "a failed load installs nothing");
    }

    @Test
    void configValidationNamesTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraConfig.allProjections(0, 8, 0)).getMessage().contains("rank"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraConfig.allProjections(4, 0, 0)).getMessage().contains("alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraConfig.allProjections(4, 8, 1)).getMessage().contains("dropout"));
        assertEquals(2.0, LoraConfig.allProjections(4, 8, 0).scaling());
    }

    @Test
    void nonFiniteAdapterWeightsAreRefusedAtLoad() {
        try (LoraModel lora = LoraModel.attach(model, CONFIG)) {
            LoraLayer first = lora.layers().values().iterator().next();
            float[] b = first.loraB().toFloatArray();
            b[3] = Float.POSITIVE_INFINITY;
            first.loraB().set(b);
            lora.save(dir);
        }
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> LoraModel.load(model, dir).close());
        assertTrue(e.getMessage().contains(LoraModel.WEIGHTS_FILE)
                && e.getMessage().contains("model.layers.0.self_attn.q_proj.lora_B.weight")
                && e.getMessage().contains("1 of ") && e.getMessage().contains("flat index 3"), e.getMessage());
    }
}
