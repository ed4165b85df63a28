/**
 * The Llama architecture on DJL: {@link dev.align4j.policies.llama.LlamaConfig} (HF config.json),
 * {@link dev.align4j.policies.llama.LlamaModel} (load / random init / forward / save), and the layers it is made
 * of — {@link dev.align4j.policies.llama.Linear} projections with an optional
 * {@link dev.align4j.policies.llama.LinearAdapter} hook (LoRA), RMSNorm, rotary embeddings, grouped-query
 * attention, SwiGLU MLP and the decoder block — matching transformers' {@code modeling_llama.py}. Training
 * forward passes ({@link dev.align4j.policies.llama.LlamaModel#trainingForward}, with optional per-layer gradient
 * checkpointing) return a {@link dev.align4j.policies.llama.ForwardPass} whose backward pass can be driven in pieces
 * ({@link dev.align4j.policies.llama.Autograd}); {@link dev.align4j.policies.llama.MemoryEstimate} holds the size
 * estimates checked before loading or generating.
 */
package dev.align4j.policies.llama;
