/**
 * {@code ./align4j demo}: an embedded tiny Llama-architecture model (character-level tokenizer, trained by this
 * library on arithmetic text and checked in), a seeded generator of small addition problems with a held-out set
 * never trained on, and the pipeline SFT → DPO (dpo_norm) → GRPO (math verifier) that runs the shipped
 * experiments on it and reports held-out accuracy after each stage.
 */
package dev.align4j.app.demo;
