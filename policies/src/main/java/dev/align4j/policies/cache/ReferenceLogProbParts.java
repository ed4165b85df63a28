package dev.align4j.policies.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A reference log-prob cache entry split into part files, as a distributed job writes it (one part per task):
 *
 * <pre>
 * DIR/index.json          {"format": "align4j-reference-logprobs-parts/v1", "digest": key digest,
 *                          "key": {"weights", "data", "tokenizer", "template", "max_length", "compute"},
 *                          "sequences": N, "parts": [{"file": "part-00000.reflogp", "sequences": n0}, ...]}
 * DIR/part-00000.reflogp  the entries of sequences 0 .. n0-1, in {@link ReferenceLogProbCache}'s file format
 * DIR/part-00001.reflogp  the next n1 entries, ...
 * </pre>
 *
 * Every part carries the key's digest and its own checksum; the parts in index order are the entries of the key in
 * sequence order, exactly what {@link ReferenceLogProbCache#lookup} returns for a single file with the same key.
 */
public final class ReferenceLogProbParts {
  /** The index file's name. */
  public static final String INDEX = "index.json";

  static final String FORMAT = "align4j-reference-logprobs-parts/v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReferenceLogProbParts() {}

  /** The name of part {@code i}: {@code part-00003.reflogp}. */
  public static String partName(int i) {
    return String.format(Locale.ROOT, "part-%05d%s", i, ReferenceLogProbCache.SUFFIX);
  }

  /** The index text for {@code key} with {@code counts[i]} sequences in part {@code i}. */
  public static String index(CacheKey key, long[] counts) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("digest", key.digest());
    root.set("key", keyJson(key));
    long total = 0;
    ArrayNode parts = JSON.createArrayNode();
    for (int i = 0; i < counts.length; i++) {
      parts.addObject().put("file", partName(i)).put("sequences", counts[i]);
      total += counts[i];
    }
    root.put("sequences", total);
    root.set("parts", parts);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code key}'s fields as the index writes them: weights, data, tokenizer, template, max_length, compute. */
  public static ObjectNode keyJson(CacheKey key) {
    ObjectNode k = JSON.createObjectNode();
    k.put("weights", key.weights());
    k.put("data", key.data());
    k.put("tokenizer", key.tokenizer());
    k.put("template", key.template());
    k.put("max_length", key.maxLength());
    k.put("compute", key.compute());
    return k;
  }

  /** The key the parts in {@code dir} were written for; empty when {@code dir} has no readable index. */
  public static Optional<CacheKey> storedKey(Path dir) {
    try {
      JsonNode k = readIndex(dir).get("key");
      return Optional.of(new CacheKey(k.get("weights").asText(), k.get("data").asText(), k.get("tokenizer").asText(),
          k.get("template").asText(), k.get("max_length").asInt(), k.get("compute").asText()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The entries for {@code key}: a hit when {@code dir}'s index holds this key and every part is intact, a miss
   * when there is no index or it holds another key, corrupt when a part fails a check or the counts disagree.
   */
  public static CacheLookup lookup(Path dir, CacheKey key) {
    Path indexFile = dir.resolve(INDEX);
    if (!Files.isRegularFile(indexFile)) {
      return new CacheLookup.Miss();
    }
    JsonNode index;
    try {
      index = readIndex(dir);
    } catch (IOException e) {
      return new CacheLookup.Corrupt(indexFile, "unreadable index: " + e.getMessage());
    }
    if (!FORMAT.equals(index.path("format").asText()) || !index.path("parts").isArray()) {
      return new CacheLookup.Corrupt(indexFile, "not an index of " + FORMAT);
    }
    if (!key.digest().equals(index.path("digest").asText())) {
      return new CacheLookup.Miss();
    }
    List<ReferenceLogProbs> all = new ArrayList<>();
    int i = 0;
    for (JsonNode part : index.get("parts")) {
      Path file = dir.resolve(partName(i++));
      if (!file.getFileName().toString().equals(part.path("file").asText())) {
        return new CacheLookup.Corrupt(indexFile, "part " + (i - 1) + " is not named " + file.getFileName());
      }
      CacheLookup one;
      try {
        one = Files.isRegularFile(file) ? ReferenceLogProbCache.read(file, key.digest())
            : new CacheLookup.Corrupt(file, "missing part");
      } catch (IOException e) {
        one = new CacheLookup.Corrupt(file, "unreadable: " + e.getMessage());
      }
      if (!(one instanceof CacheLookup.Hit hit)) {
        return one;
      }
      if (hit.values().size() != part.path("sequences").asLong(-1)) {
        return new CacheLookup.Corrupt(file, "holds " + hit.values().size() + " sequences, the index says "
            + part.path("sequences"));
      }
      all.addAll(hit.values());
    }
    if (all.size() != index.path("sequences").asLong(-1)) {
      return new CacheLookup.Corrupt(indexFile, "parts hold " + all.size() + " sequences, the index says "
          + index.path("sequences"));
    }
    return new CacheLookup.Hit(all);
  }

  private static JsonNode readIndex(Path dir) throws IOException {
    return JSON.readTree(dir.resolve(INDEX).toFile());
  }
}
