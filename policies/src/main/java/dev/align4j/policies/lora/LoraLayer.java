package dev.align4j.policies.lora;

import ai.djl.ndarray.NDArray;
import dev.align4j.core.Scalars;
import dev.align4j.policies.llama.LinearAdapter;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The LoRA branch of one projection: {@code delta(x) = (alpha / r) · dropout(x) A^T B^T} with A [r, in] and
 * B [out, r], as PEFT's {@code lora.Linear.forward} ({@code lora_B(lora_A(dropout(x))) * scaling}).
 *
 * <p>Every intermediate is computed with {@code x} (or a result derived from it) as the first operand, so it is
 * attached to the caller's step manager and freed with it; A and B live in the adapter's manager.
 */
public final class LoraLayer implements LinearAdapter {
    private final String module;
    private final NDArray a;
    private final NDArray b;
    private final double scaling;
    private final float dropout;
    private final BooleanSupplier training;

    LoraLayer(String module, NDArray a, NDArray b, double scaling, double dropout, BooleanSupplier training) {
        this.module = Objects.requireNonNull(module, "module");
        this.a = Objects.requireNonNull(a, "a");
        this.b = Objects.requireNonNull(b, "b");
        this.scaling = scaling;
        this.dropout = (float) dropout;
        this.training = Objects.requireNonNull(training, "training");
    }

    /** The adapted module's HF name, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String module() {
        return module;
    }

    /** A [r, in] (owned by the adapter; do not close). */
    public NDArray loraA() {
        return a;
    }

    /** B [out, r] (owned by the adapter; do not close). */
    public NDArray loraB() {
        return b;
    }

    /** {@code alpha / r}. */
    public double scaling() {
        return scaling;
    }

    @Override
    public NDArray delta(NDArray x) {
        NDArray in = dropout > 0 && training.getAsBoolean()
                ? x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow()
                : x;
        NDArray h = in.getNDArrayInternal().linear(in, a, null).singletonOrThrow();
        return Scalars.mul(h.getNDArrayInternal().linear(h, b, null).singletonOrThrow(), scaling);
    }

    /** Whether A or B requires a gradient (they do unless a caller froze them). */
    @Override
    public boolean requiresGradient() {
        return a.hasGradient() || b.hasGradient();
    }

    /** The weight update {@code (alpha / r) · B A} [out, in], attached to {@code B}'s manager: close it. */
    NDArray deltaWeight() {
        try (NDArray ba = b.matMul(a)) {
            return ba.mul(scaling);
        }
    }
}
