/**
 * Per-token log-probs of completion tokens for padded batches ({@link dev.align4j.policies.score.SequenceBatch}
 * → {@link dev.align4j.policies.score.BatchLogProbs}), chunked over the vocabulary-sized LM head: for inference
 * and reference scoring {@link dev.align4j.policies.score.TokenLogProbs}; for training steps
 * {@link dev.align4j.policies.score.ChunkedLogProbs}, whose split backward pass
 * ({@link dev.align4j.policies.score.DeferredBackward}) recomputes each LM-head chunk instead of keeping
 * [tokens, vocab] arrays for autograd.
 */
package dev.align4j.policies.score;
