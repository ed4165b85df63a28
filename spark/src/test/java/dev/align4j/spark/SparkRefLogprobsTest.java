package dev.align4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.policies.cache.CacheKey;
import dev.align4j.policies.cache.CacheLookup;
import dev.align4j.policies.cache.Digest;
import dev.align4j.policies.cache.ReferenceLogProbCache;
import dev.align4j.policies.cache.ReferenceLogProbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark ref-logprobs} on local[2] and the tiny-llama fixture against the single-machine {@code logprobs}. */
class SparkRefLogprobsTest {
  private static final Path MODEL = CliRun.fixture("tiny-llama");
  private static final Path SEQUENCES = MODEL.resolve("sequences.jsonl");
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.open(Optional.of("local[2]"), "align4j tests").session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void outputIsByteIdenticalToSingleMachineAndTheCacheFileIsAHit() throws Exception {
    Path single = dir.resolve("single.jsonl");
    Path out = dir.resolve("spark.jsonl");
    Path cache = dir.resolve("cache");
    CliRun a = CliRun.of("logprobs", "--model", MODEL.toString(), "--input", SEQUENCES.toString(), "--output",
        single.toString(), "--batch-size", "3");
    CliRun b = CliRun.of("spark", "ref-logprobs", "--model", MODEL.toString(), "--input", SEQUENCES.toString(),
        "--output", out.toString(), "--batch-size", "3", "--partitions", "2", "--cache-dir", cache.toString(),
        "--max-length", "64");
    assertEquals(0, a.exit(), a.stderr());
    assertEquals(0, b.exit(), b.stderr());
    assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(out));

    // the key a training run builds for these rows (ReferenceScores: weights, data rows in order, fp32/cpu)
    List<JsonLine> rows = Jsonl.read(SEQUENCES);
    Digest data = new Digest();
    rows.forEach(r -> data.ints(r.ints("tokens")));
    CacheKey key = new CacheKey(new Digest().modelFolder(MODEL).hex(), data.hex(), "none", "none", 64, "fp32/cpu");
    CacheLookup hit = new ReferenceLogProbCache(cache).lookup(key);
    List<ReferenceLogProbs> values = assertInstanceOf(CacheLookup.Hit.class, hit).values();
    List<String> lines = Files.readAllLines(out);
    assertEquals(rows.size(), lines.size());
    assertEquals(lines.size(), values.size());
    assertTrue(lines.size() >= 10, "the fixture's sequences: " + lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode o = CliRunJson.read(lines.get(i));
      assertEquals(o.get("count").asInt(), values.get(i).tokenCount());
      assertTrue(values.get(i).tokens().isEmpty(), "sums only, as a DPO run stores them");
      assertEquals(o.get("sum").asDouble(), values.get(i).sum(), 1e-4);
    }
    // any other key misses
    CacheKey other = new CacheKey(key.weights(), key.data(), "none", "none", 65, "fp32/cpu");
    assertInstanceOf(CacheLookup.Miss.class, new ReferenceLogProbCache(cache).lookup(other));
  }

  @Test
  void badTokenIdExitsTwoNamingFileLineAndFieldAndLeavesNothing() throws Exception {
    Path in = Files.write(dir.resolve("bad.jsonl"), List.of(
        "{\"id\": \"a\", \"tokens\": [1, 2, 3], \"completion_start\": 1}",
        "{\"id\": \"b\", \"tokens\": [1, 99999], \"completion_start\": 1}"));
    Path out = dir.resolve("out.jsonl");
    Path cache = dir.resolve("cache");
    CliRun r = CliRun.of("spark", "ref-logprobs", "--model", MODEL.toString(), "--input", in.toString(),
        "--output", out.toString(), "--cache-dir", cache.toString());
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains(in + ":2: field 'tokens[1]': token id 99999 outside"), r.stderr());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(cache));
  }
}
