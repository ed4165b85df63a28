package dev.align4j.policies.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.policies.llama.InvalidModelException;
import dev.align4j.policies.llama.Linear;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.safetensors.Safetensors;
import dev.align4j.policies.safetensors.StoredDtype;
import dev.align4j.policies.safetensors.TensorEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * LoRA adapters installed on a {@link LlamaModel} through its {@link Linear} adapter hook.
 *
 * <p>Per adapted projection: {@code y = x W^T + (alpha / r) · dropout(x) A^T B^T} (PEFT {@code lora.Linear}). The
 * base weights are shared, not copied: {@link #withAdaptersDisabled} runs the same model as the frozen reference.
 * {@link #merge()} folds {@code (alpha / r) · B A} into W in place (faster inference, adapters bypassed) and
 * {@link #unmerge()} subtracts it again (equal up to float rounding). Only A and B require gradients
 * ({@link #trainableParameters()}); the caller must not mark the base weights trainable.
 *
 * <p>On disk (PEFT layout): {@code adapter_model.safetensors} with F32 tensors
 * {@code base_model.model.model.layers.<i>.<self_attn|mlp>.<proj>.lora_A.weight} [r, in] and {@code ...lora_B.weight}
 * [out, r], plus {@code adapter_config.json} (see {@link PeftAdapterConfig}).
 *
 * <p>{@link #close()} removes the adapters (unmerging first if merged) and frees A and B; the base model stays open.
 */
public final class LoraModel implements AutoCloseable {
    /** The adapter weights file name PEFT uses. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** PEFT's prefix in front of the HF module name. */
    public static final String PEFT_PREFIX = "base_model.model.";

    /** Whether dropout is active. */
    public enum Mode {
        TRAIN,
        EVAL
    }

    private enum State {
        ACTIVE,
        DISABLED,
        MERGED
    }

    private final LlamaModel base;
    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, LoraLayer> layers;
    private State state = State.ACTIVE;
    private Mode mode = Mode.EVAL;
    private boolean closed;

    private LoraModel(LlamaModel base, LoraConfig config, NDManager manager, Map<String, NDArray[]> weights) {
        this.base = base;
        this.config = config;
        this.manager = manager;
        Map<String, LoraLayer> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray[]> e : weights.entrySet()) {
            NDArray a = e.getValue()[0];
            NDArray b = e.getValue()[1];
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            LoraLayer layer = new LoraLayer(e.getKey(), a, b, config.scaling(), config.dropout(), () -> mode == Mode.TRAIN);
            base.linears().get(e.getKey()).setAdapter(layer);
            out.put(e.getKey(), layer);
        }
        this.layers = Collections.unmodifiableMap(out);
    }

    /**
     * Installs fresh adapters: A initialised as {@code config.init()} from {@code config.seed()}, B = 0, so the
     * model computes exactly what the base computes until B is trained.
     *
     * @throws IllegalStateException when a target projection already has an adapter
     */
    public static LoraModel attach(LlamaModel base, LoraConfig config) {
        NDManager manager = base.manager().newSubManager();
        try {
            SplittableRandom rng = new SplittableRandom(config.seed());
            Map<String, NDArray[]> weights = new LinkedHashMap<>();
            for (String module : targetModules(base, config)) {
                Linear linear = base.linears().get(module);
                int in = Math.toIntExact(linear.inFeatures());
                int out = Math.toIntExact(linear.outFeatures());
                float[] a = new float[config.rank() * in];
                double bound = 1.0 / Math.sqrt(in);
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (config.init() == LoraInit.KAIMING_UNIFORM
                            ? (2 * rng.nextDouble() - 1) * bound
                            : rng.nextGaussian() / config.rank());
                }
                weights.put(module, new NDArray[] {
                    cast(manager.create(a, new Shape(config.rank(), in)), base),
                    cast(manager.zeros(new Shape(out, config.rank())), base)});
            }
            return new LoraModel(base, config, manager, weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Loads adapters saved by {@link #save} or by PEFT ({@code adapter_config.json} +
     * {@code adapter_model.safetensors}) onto {@code base}.
     *
     * @throws InvalidModelException naming the file and field or tensor when the adapter does not fit the model
     */
    public static LoraModel load(LlamaModel base, Path dir) {
        LoraConfig config = PeftAdapterConfig.read(dir.resolve(PeftAdapterConfig.FILE));
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw InvalidModelException.file(file, "adapter weights not found", null);
        }
        Map<String, TensorEntry> stored = Safetensors.header(file);
        NDManager manager = base.manager().newSubManager();
        try {
            Map<String, NDArray[]> weights = new LinkedHashMap<>();
            TreeSet<String> unused = new TreeSet<>(stored.keySet());
            for (String module : targetModules(base, config)) {
                Linear linear = base.linears().get(module);
                long[] aShape = {config.rank(), linear.inFeatures()};
                long[] bShape = {linear.outFeatures(), config.rank()};
                NDArray a = readTensor(file, stored, tensorName(module, "lora_A"), aShape, manager, base);
                NDArray b = readTensor(file, stored, tensorName(module, "lora_B"), bShape, manager, base);
                unused.remove(tensorName(module, "lora_A"));
                unused.remove(tensorName(module, "lora_B"));
                weights.put(module, new NDArray[] {a, b});
            }
            if (!unused.isEmpty()) {
                throw InvalidModelException.tensor(file, unused.first(), "not a LoRA tensor of the modules in "
                        + PeftAdapterConfig.FILE + " (target_modules " + config.orderedTargets() + ")");
            }
            return new LoraModel(base, config, manager, weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Writes {@code adapter_model.safetensors} (F32) and {@code adapter_config.json} into {@code dir}. */
    public void save(Path dir) {
        requireOpen();
        try {
            Files.createDirectories(dir);
            Safetensors.write(dir.resolve(WEIGHTS_FILE), trainableParameters(), StoredDtype.F32); // atomic
            Path cfgTmp = Files.createTempFile(dir, ".adapter_config", ".tmp");
            try {
                PeftAdapterConfig.write(cfgTmp, config);
                Files.move(cfgTmp, dir.resolve(PeftAdapterConfig.FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(cfgTmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save adapters into " + dir, e);
        }
    }

    /** The model the adapters are installed on. */
    public LlamaModel base() {
        return base;
    }

    public LoraConfig config() {
        return config;
    }

    /** HF module name → adapter, in layer order. */
    public Map<String, LoraLayer> layers() {
        return layers;
    }

    /**
     * The trainable tensors under PEFT's names ({@code base_model.model.<module>.lora_A.weight}, ...): the only
     * arrays an optimizer should update. They require gradients.
     */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (LoraLayer layer : layers.values()) {
            out.put(tensorName(layer.module(), "lora_A"), layer.loraA());
            out.put(tensorName(layer.module(), "lora_B"), layer.loraB());
        }
        return out;
    }

    /** Number of trainable scalars: {@code Σ r · (in + out)} over adapted projections. */
    public long trainableParameterCount() {
        return trainableParameters().values().stream().mapToLong(NDArray::size).sum();
    }

    /** Dropout on ({@link Mode#TRAIN}) or off ({@link Mode#EVAL}, the initial mode). */
    public void setMode(Mode newMode) {
        mode = java.util.Objects.requireNonNull(newMode, "mode");
    }

    public Mode mode() {
        return mode;
    }

    /** Whether the adapters currently change the model's output (active, or merged into the weights). */
    public boolean adaptersEnabled() {
        return state != State.DISABLED;
    }

    /** Whether the adapters are merged into the base weights. */
    public boolean isMerged() {
        return state == State.MERGED;
    }

    /** Bypasses every adapter: the model computes the base (reference) outputs. */
    public void disableAdapters() {
        requireOpen();
        requireNotMerged("disable adapters");
        layers.keySet().forEach(m -> base.linears().get(m).disableAdapter());
        state = State.DISABLED;
    }

    /** Makes every adapter contribute again. */
    public void enableAdapters() {
        requireOpen();
        requireNotMerged("enable adapters");
        layers.keySet().forEach(m -> base.linears().get(m).enableAdapter());
        state = State.ACTIVE;
    }

    /** Runs {@code body} with adapters off (the reference model) and restores the previous state. */
    public <T> T withAdaptersDisabled(Supplier<T> body) {
        boolean wasEnabled = state == State.ACTIVE;
        disableAdapters();
        try {
            return body.get();
        } finally {
            if (wasEnabled) {
                enableAdapters();
            }
        }
    }

    /** {@code W ← W + (alpha / r) · B A} in place for every adapted projection; adapters are then bypassed. */
    public void merge() {
        requireOpen();
        requireNotMerged("merge");
        if (state == State.DISABLED) {
            throw new IllegalStateException("cannot merge disabled adapters; enable them first");
        }
        shiftWeights(+1);
        layers.keySet().forEach(m -> base.linears().get(m).disableAdapter());
        state = State.MERGED;
    }

    /** Subtracts the merged update again and re-enables the adapters. */
    public void unmerge() {
        requireOpen();
        if (state != State.MERGED) {
            throw new IllegalStateException("cannot unmerge: adapters are not merged");
        }
        shiftWeights(-1);
        layers.keySet().forEach(m -> base.linears().get(m).enableAdapter());
        state = State.ACTIVE;
    }

    /** Removes the adapters from the base (unmerging first if merged) and frees A and B. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (state == State.MERGED) {
            unmerge();
        }
        layers.keySet().forEach(m -> base.linears().get(m).removeAdapter());
        manager.close();
        closed = true;
    }

    /**
     * {@code W ← W ± (alpha / r) · B A} in place, so that {@link LlamaModel#parameters()} (the same arrays) sees the
     * change.
     */
    private void shiftWeights(int sign) {
        for (LoraLayer layer : layers.values()) {
            NDArray weight = base.linears().get(layer.module()).weight();
            try (NDArray delta = layer.deltaWeight()) {
                if (sign > 0) {
                    weight.addi(delta);
                } else {
                    weight.subi(delta);
                }
            }
        }
    }

    static String tensorName(String module, String which) {
        return PEFT_PREFIX + module + "." + which + ".weight";
    }

    private static Iterable<String> targetModules(LlamaModel base, LoraConfig config) {
        java.util.List<String> modules = new java.util.ArrayList<>();
        for (int i = 0; i < base.config().numHiddenLayers(); i++) {
            for (TargetModule t : config.orderedTargets()) {
                String module = t.moduleName(i);
                Linear linear = base.linears().get(module);
                if (linear == null) {
                    throw new IllegalStateException("the model has no projection " + module);
                }
                if (linear.adapter().isPresent()) {
                    throw new IllegalStateException(module + " already has an adapter; close the other LoraModel first");
                }
                modules.add(module);
            }
        }
        return modules;
    }

    private static NDArray readTensor(Path file, Map<String, TensorEntry> stored, String name, long[] shape,
            NDManager manager, LlamaModel base) {
        TensorEntry entry = stored.get(name);
        if (entry == null) {
            throw InvalidModelException.tensor(file, name, "missing from the adapter weights");
        }
        if (!Arrays.equals(entry.shape(), shape)) {
            throw InvalidModelException.tensor(file, name, "shape " + Arrays.toString(entry.shape())
                    + " but the model and " + PeftAdapterConfig.FILE + " imply " + Arrays.toString(shape));
        }
        NDArray values = Safetensors.readFloat32(entry, manager);
        LlamaModel.requireFinite(entry, values);
        return cast(values, base);
    }

    private static NDArray cast(NDArray a, LlamaModel base) {
        if (a.getDataType() == base.computeType()) {
            return a;
        }
        NDArray c = a.toType(base.computeType(), true);
        a.close();
        return c;
    }

    private void requireNotMerged(String action) {
        if (state == State.MERGED) {
            throw new IllegalStateException("cannot " + action + " while merged; unmerge first");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the LoRA adapters are closed");
        }
    }
}
