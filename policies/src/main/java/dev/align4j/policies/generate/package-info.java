/**
 * KV-cache generation: {@link dev.align4j.policies.generate.GenerationConfig} (greedy, temperature, top-k, top-p,
 * seed, stop at EOS) and the batched {@link dev.align4j.policies.generate.Generator}, which samples on the device,
 * frees every step's arrays with the step and checks budgets against the model's positions and memory first.
 */
package dev.align4j.policies.generate;
