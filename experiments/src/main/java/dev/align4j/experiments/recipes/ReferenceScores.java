package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.policies.cache.CacheKey;
import dev.align4j.policies.cache.Digest;
import dev.align4j.policies.cache.ReferenceLogProbCache;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.policies.text.TokenizedChat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reference-model log-probs of every chosen and rejected completion, computed once before training (the reference
 * is the frozen starting policy: under LoRA the policy's base with the adapters off, else the starting weights
 * loaded once more with the policy's device and dtype, only on a cache miss) and cached on disk under a key of
 * weights, data, tokenizer, template, max length and compute ({@code "<dtype>/<device>"}, e.g. {@code fp32/cpu} or
 * {@code bf16/gpu}, as {@code ./align4j spark ref-logprobs} writes it), so a resumed or repeated run reads them
 * instead of recomputing.
 *
 * @param chosen per pair: summed log-prob and token count of the chosen completion
 * @param rejected the same for the rejected completion
 */
public record ReferenceScores(List<ReferenceLogProbs> chosen, List<ReferenceLogProbs> rejected) {

  /**
   * Scores {@code pairs} with the reference weights in {@code weightsFolder} ({@link PolicyModel#reference}, used
   * only on a cache miss) in batches of {@code batchSize}; {@code policy} supplies the tokenizer and template
   * identities and the compute of the key.
   */
  public static ReferenceScores compute(PolicyModel policy, Path weightsFolder, List<EncodedPair> pairs,
      int maxLength, int batchSize, Path cacheDir) {
    Digest data = new Digest();
    for (EncodedPair p : pairs) {
      data.ints(p.chosen().ids()).ints(p.rejected().ids());
    }
    CacheKey key = new CacheKey(new Digest().modelFolder(weightsFolder).hex(), data.hex(),
        policy.tokenizer().fingerprint(), policy.encoder().template().identity(), maxLength,
        policy.compute().cacheCompute());
    List<ReferenceLogProbs> all = new ReferenceLogProbCache(cacheDir).getOrCompute(key, () -> {
      List<TokenizedChat> sequences = new ArrayList<>();
      for (EncodedPair p : pairs) {
        sequences.add(p.chosen());
        sequences.add(p.rejected());
      }
      try (ReferenceModel reference = policy.reference(weightsFolder)) {
        return reference.apply(model -> score(model, policy.padId(), sequences, batchSize));
      }
    });
    List<ReferenceLogProbs> chosen = new ArrayList<>();
    List<ReferenceLogProbs> rejected = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 2) {
      chosen.add(all.get(i));
      rejected.add(all.get(i + 1));
    }
    return new ReferenceScores(chosen, rejected);
  }

  private static List<ReferenceLogProbs> score(LlamaModel model, int padId, List<TokenizedChat> sequences,
      int batchSize) {
    List<ReferenceLogProbs> out = new ArrayList<>();
    for (int from = 0; from < sequences.size(); from += batchSize) {
      List<TokenizedChat> chunk = sequences.subList(from, Math.min(sequences.size(), from + batchSize));
      try (NDManager scope = model.manager().newSubManager()) {
        BatchLogProbs lp = TokenLogProbs.compute(model, Encoding.batch(chunk, padId), scope);
        float[] sums = lp.sums().toFloatArray();
        float[] counts = lp.counts().toFloatArray();
        for (int i = 0; i < sums.length; i++) {
          out.add(ReferenceLogProbs.ofSum(sums[i], Math.round(counts[i])));
        }
      }
    }
    return out;
  }
}
