package dev.align4j.experiments.recipes;

import dev.align4j.policies.lora.ReferenceModel;

import ai.djl.ndarray.NDManager;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.policies.cache.CacheKey;
import dev.align4j.policies.cache.CacheLookup;
import dev.align4j.policies.cache.Digest;
import dev.align4j.policies.cache.ReferenceLogProbCache;
import dev.align4j.policies.cache.ReferenceLogProbParts;
import dev.align4j.policies.cache.ReferenceLogProbs;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.policies.text.TokenizedChat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reference-model log-probs of every chosen and rejected completion, computed once before training (the reference
 * is the frozen starting policy: under LoRA the policy's base with the adapters off, else the starting weights
 * loaded once more with the policy's device and dtype, only on a cache miss) and cached on disk under a key of
 * weights, data, tokenizer, template, max length and compute ({@code "<dtype>/<device>"}, e.g. {@code fp32/cpu} or
 * {@code bf16/gpu}, as {@code ./align4j spark ref-logprobs} writes it), so a resumed or repeated run reads them
 * instead of recomputing. Entries precomputed by {@code spark ref-logprobs} (part files under the same key) are
 * read instead when the config points at them.
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
    return compute(policy, weightsFolder, pairs, maxLength, batchSize, cacheDir, List.of(), message -> {});
  }

  /**
   * As above, but first reads the entries from {@code precomputed}: folders written by {@code spark ref-logprobs}
   * (its {@code reference_logprobs/} part files, {@link ReferenceLogProbParts}) or such a parts folder itself. The
   * first one holding this run's key is used and nothing is recomputed; when none holds it, the run fails on the
   * config field {@code reference_logprobs} naming the key fields that differ. {@code note} hears whether the
   * entries were read, found in {@code cacheDir} or computed.
   */
  public static ReferenceScores compute(PolicyModel policy, Path weightsFolder, List<EncodedPair> pairs,
      int maxLength, int batchSize, Path cacheDir, List<Path> precomputed, Consumer<String> note) {
    Digest data = new Digest();
    for (EncodedPair p : pairs) {
      data.ints(p.chosen().ids()).ints(p.rejected().ids());
    }
    CacheKey key = new CacheKey(new Digest().modelFolder(weightsFolder).hex(), data.hex(),
        policy.tokenizer().fingerprint(), policy.encoder().template().identity(), maxLength,
        policy.compute().cacheCompute());
    List<ReferenceLogProbs> all;
    if (!precomputed.isEmpty()) {
      all = readPrecomputed(key, precomputed);
      note.accept("reference log-probs: cache hit, " + all.size() + " sequences read from " + precomputed
          + " (key " + key.digest().substring(0, 12) + "), not recomputed");
    } else {
      ReferenceLogProbCache cache = new ReferenceLogProbCache(cacheDir);
      boolean hit = cache.lookup(key) instanceof CacheLookup.Hit;
      all = cache.getOrCompute(key, () -> {
        List<TokenizedChat> sequences = new ArrayList<>();
        for (EncodedPair p : pairs) {
          sequences.add(p.chosen());
          sequences.add(p.rejected());
        }
        try (ReferenceModel reference = policy.reference(weightsFolder)) {
          return reference.apply(model -> score(model, policy.padId(), sequences, batchSize));
        }
      });
      note.accept("reference log-probs: " + (hit ? "cache hit, " : "computed ") + all.size() + " sequences"
          + (hit ? " read from " : ", cached in ") + cache.fileFor(key));
    }
    List<ReferenceLogProbs> chosen = new ArrayList<>();
    List<ReferenceLogProbs> rejected = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 2) {
      chosen.add(all.get(i));
      rejected.add(all.get(i + 1));
    }
    return new ReferenceScores(chosen, rejected);
  }

  private static List<ReferenceLogProbs> readPrecomputed(CacheKey key, List<Path> sources) {
    List<String> problems = new ArrayList<>();
    for (Path source : sources) {
      Path dir = Files.isRegularFile(source.resolve(ReferenceLogProbParts.INDEX)) ? source
          : source.resolve("reference_logprobs");
      CacheLookup found = ReferenceLogProbParts.lookup(dir, key);
      if (found instanceof CacheLookup.Hit hit) {
        return hit.values();
      }
      if (found instanceof CacheLookup.Corrupt bad) {
        problems.add(bad.file() + ": " + bad.reason());
      } else {
        problems.add(dir + ": " + ReferenceLogProbParts.storedKey(dir)
            .map(stored -> "holds another key (differs in " + differences(stored, key) + ")")
            .orElse("no " + ReferenceLogProbParts.INDEX));
      }
    }
    throw new InvalidConfigException("reference_logprobs", "no precomputed reference log-probs for this run: "
        + String.join("; ", problems) + ". The run needs weights " + key.weights() + ", data " + key.data()
        + ", tokenizer " + key.tokenizer() + ", template " + key.template() + ", max_length " + key.maxLength()
        + ", compute " + key.compute());
  }

  private static String differences(CacheKey a, CacheKey b) {
    List<String> out = new ArrayList<>();
    if (!a.weights().equals(b.weights())) {
      out.add("weights");
    }
    if (!a.data().equals(b.data())) {
      out.add("data");
    }
    if (!a.tokenizer().equals(b.tokenizer())) {
      out.add("tokenizer");
    }
    if (!a.template().equals(b.template())) {
      out.add("template");
    }
    if (a.maxLength() != b.maxLength()) {
      out.add("max_length");
    }
    if (!a.compute().equals(b.compute())) {
      out.add("compute");
    }
    return String.join(", ", out);
  }

  /**
   * The scoring behind the cache: {@code sequences} in consecutive batches of {@code batchSize}, right-padded with
   * {@code padId} ({@link Encoding#batch}), one entry per sequence (float32 sum of its completion tokens' log-probs
   * and their count). Distributed jobs call it on whole batches to compute the very same numbers.
   */
  public static List<ReferenceLogProbs> score(LlamaModel model, int padId, List<TokenizedChat> sequences,
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
