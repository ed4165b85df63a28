package dev.align4j.policies.lora;

import java.util.SplittableRandom;

/** Test helpers for LoRA adapters. */
public final class LoraTesting {
    private LoraTesting() {}

    /** Gives every B seeded N(0, 0.05²) values so that the adapters change the output (B starts at 0). */
    public static void randomizeB(LoraModel lora, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (LoraLayer layer : lora.layers().values()) {
            float[] b = new float[Math.toIntExact(layer.loraB().size())];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (0.05 * rng.nextGaussian());
            }
            layer.loraB().set(b);
        }
    }
}
