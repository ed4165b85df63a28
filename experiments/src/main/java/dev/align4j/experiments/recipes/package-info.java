/**
 * The shipped experiments (each registered in {@code META-INF/services/dev.align4j.experiments.api.Experiment}):
 * {@code sft} (Tulu SFT), {@code dpo} (Tulu DPO with dpo_norm, or any loss type), {@code simpo} (v0.1/v0.2
 * presets), {@code grpo} (RLVR with the math verifier) and {@code cdr} (density-ratio preference data, then
 * DPO), plus the pieces they share: model loading in one place ({@link dev.align4j.experiments.recipes.ModelSetup}:
 * device, dtype, gradient checkpointing, LoRA, LISA), what trains and how it is saved
 * ({@link dev.align4j.experiments.recipes.Tuning}, {@link dev.align4j.experiments.recipes.LisaSchedule}), the
 * frozen reference ({@link dev.align4j.policies.lora.ReferenceModel}), epoch-based batching, and the SFT,
 * preference and policy-gradient micro-batch losses.
 */
package dev.align4j.experiments.recipes;

