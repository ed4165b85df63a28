package dev.align4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.data.EncodedPair;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.PreferenceExample;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.ReferenceScores;
import dev.align4j.policies.cache.CacheKey;
import dev.align4j.policies.cache.CacheLookup;
import dev.align4j.policies.cache.Digest;
import dev.align4j.policies.cache.ReferenceLogProbParts;
import dev.align4j.policies.cache.ReferenceLogProbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark ref-logprobs} on local[2]: pre-tokenized rows against the single-machine {@code logprobs} (tiny-llama
 * fixture), and preference text rows whose cache parts a DPO run (tiny-arith model, the dpo-tiny recipe) reads as a
 * hit with the very numbers it would compute itself.
 */
class SparkRefLogprobsTest {
  private static final Path MODEL = CliRun.fixture("tiny-llama");
  private static final Path SEQUENCES = MODEL.resolve("sequences.jsonl");
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.open(Optional.of("local[2]"), "align4j tests").session();
    // DJL's PyTorch engine turns grad mode off only on the thread that starts it (libtorch's grad mode is per
    // thread): start it on a local[2] executor thread, so that the DPO run below trains on a thread whose grad mode
    // is on (the optimizer must not depend on it; TrainStepTest checks the same on a plain thread)
    spark.range(1).javaRDD().foreach(x -> ai.djl.engine.Engine.getInstance());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void tokenRowsAreByteIdenticalToSingleMachineAndTheCachePartsHit() throws Exception {
    Path single = dir.resolve("single.jsonl");
    Path out = dir.resolve("spark");
    CliRun a = CliRun.of("logprobs", "--model", MODEL.toString(), "--input", SEQUENCES.toString(), "--output",
        single.toString(), "--batch-size", "3");
    CliRun b = CliRun.of("spark", "ref-logprobs", "--model", MODEL.toString(), "--input", SEQUENCES.toString(),
        "--output", out.toString(), "--batch-size", "3", "--partitions", "2", "--max-length", "64",
        "--format", "jsonl");
    assertEquals(0, a.exit(), a.stderr());
    assertEquals(0, b.exit(), b.stderr());
    assertArrayEquals(Files.readAllBytes(single), CliRun.parts(out));

    // the key a training run builds for these rows (ReferenceScores: weights, data rows in order, fp32/cpu)
    List<JsonLine> rows = Jsonl.read(SEQUENCES);
    Digest data = new Digest();
    rows.forEach(r -> data.ints(r.ints("tokens")));
    CacheKey key = new CacheKey(new Digest().modelFolder(MODEL).hex(), data.hex(), "none", "none", 64, "fp32/cpu");
    CacheLookup hit = ReferenceLogProbParts.lookup(out.resolve("reference_logprobs"), key);
    List<ReferenceLogProbs> values = assertInstanceOf(CacheLookup.Hit.class, hit).values();
    List<String> lines = Files.readAllLines(single);
    assertEquals(rows.size(), lines.size());
    assertEquals(lines.size(), values.size());
    assertTrue(lines.size() >= 10, "the fixture's sequences: " + lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode o = CliRunJson.read(lines.get(i));
      assertEquals(o.get("count").asInt(), values.get(i).tokenCount());
      assertTrue(values.get(i).tokens().isEmpty(), "sums only, as a DPO run stores them");
      assertEquals(o.get("sum").asDouble(), values.get(i).sum(), 1e-4);
    }
    JsonNode manifest = Jsonl.MAPPER.readTree(out.resolve("_manifest.json").toFile());
    assertEquals(key.digest(), manifest.get("reference_logprobs").get("digest").asText());
    assertEquals(lines.size(), manifest.get("rows").asInt());
    // any other key misses
    CacheKey other = new CacheKey(key.weights(), key.data(), "none", "none", 65, "fp32/cpu");
    assertInstanceOf(CacheLookup.Miss.class, ReferenceLogProbParts.lookup(out.resolve("reference_logprobs"), other));
  }

  @Test
  void preferenceRowsGiveTheDpoRunsOwnCacheEntriesAndTheRunReadsThemAsAHit() throws Exception {
    Path model = CliRun.repo("models/tiny-arith");
    Path prefs = CliRun.repo("configs/data/arith-prefs.jsonl");
    Path out = dir.resolve("ref");
    CliRun job = CliRun.of("spark", "ref-logprobs", "--model", model.toString(), "--input", prefs.toString(),
        "--output", out.toString(), "--chat-template", "tulu", "--max-length", "32", "--batch-size", "8",
        "--partitions", "3");
    assertEquals(0, job.exit(), job.stderr());

    // a DPO run pointed at the job output reads it and computes nothing
    Path config = dpoConfig(model, prefs, 32, out);
    Path run = dir.resolve("run");
    CliRun dpo = CliRun.of("run", config.toString(), "--out", run.toString(), "--stop-at-step", "1");
    assertEquals(0, dpo.exit(), dpo.stderr());
    assertTrue(dpo.stderr().contains("reference log-probs: cache hit, 128 sequences read from"), dpo.stderr());
    assertFalse(Files.exists(run.resolve("reference_logprobs")), "nothing recomputed or cached in the run");

    // what the recipe computes itself (dpo-tiny: tulu, max_length 32, per_device_batch_size 4 -> batches of 8)
    List<ReferenceLogProbs> own = new ArrayList<>();
    try (PolicyModel policy = PolicyModel.load(model, model, "tulu")) {
      List<EncodedPair> pairs =
          Encoding.preferences(PreferenceExample.readJsonl(prefs), policy.encoder(), 32).examples();
      ReferenceScores scores = ReferenceScores.compute(policy, model, pairs, 32, 8, dir.resolve("own-cache"));
      for (int i = 0; i < scores.chosen().size(); i++) {
        own.add(scores.chosen().get(i));
        own.add(scores.rejected().get(i));
      }
    }
    CacheKey key = ReferenceLogProbParts.storedKey(out.resolve("reference_logprobs")).orElseThrow();
    List<ReferenceLogProbs> parts = assertInstanceOf(CacheLookup.Hit.class,
        ReferenceLogProbParts.lookup(out.resolve("reference_logprobs"), key)).values();
    assertEquals(own, parts, "bit for bit the entries the recipe computes");
    try (var files = Files.list(dir.resolve("own-cache"))) {
      assertEquals(key.digest() + ".reflogp", files.toList().get(0).getFileName().toString(),
          "the recipe's own cache file is named by the same key");
    }

    // a run whose key differs (another max_length) fails on the field instead of silently recomputing
    CliRun wrong = CliRun.of("run", dpoConfig(model, prefs, 31, out).toString(), "--out",
        dir.resolve("run2").toString(), "--stop-at-step", "1");
    assertEquals(2, wrong.exit(), wrong.stderr());
    assertTrue(wrong.stderr().contains("reference_logprobs") && wrong.stderr().contains("max_length"),
        wrong.stderr());
  }

  private Path dpoConfig(Path model, Path prefs, int maxLength, Path reference) throws Exception {
    ObjectNode c = (ObjectNode) Jsonl.MAPPER.readTree(CliRun.repo("configs/dpo-tiny.json").toFile());
    c.put("model", model.toString());
    c.put("train_file", prefs.toString());
    c.put("max_length", maxLength);
    ArrayNode refs = c.putArray("reference_logprobs");
    refs.add(reference.toString());
    return Files.writeString(dir.resolve("dpo-" + maxLength + ".json"), Jsonl.MAPPER.writeValueAsString(c));
  }

  /**
   * Pre-tokenized rows are checked as the single-machine {@code logprobs} checks them, with the same message: a
   * missing id, a repeated id (across partitions), a row longer than the model's max_position_embeddings (a check
   * the executors make against a limit computed on the driver), bytes that are not UTF-8.
   */
  @Test
  void badTokenRowsGiveTheSingleMachineMessages() throws Exception {
    int maxPositions = dev.align4j.policies.llama.LlamaConfig.read(MODEL.resolve("config.json"))
        .maxPositionEmbeddings();
    StringBuilder tooLong = new StringBuilder("[1");
    for (int i = 1; i <= maxPositions; i++) {
      tooLong.append(", 2");
    }
    tooLong.append(']');
    String ok = "{\"id\": %s, \"tokens\": [1, 2, 3], \"completion_start\": 1}\n";
    String[][] cases = {
      {"missing-id", String.format(ok, 1) + "{\"tokens\": [1, 2], \"completion_start\": 1}\n",
          ":2: field 'id': missing"},
      {"duplicate-id", String.format(ok, "\"a\"") + String.format(ok, "\"b\"") + String.format(ok, "\"c\"")
          + String.format(ok, "\"b\""), ":4: field 'id': duplicate id \"b\" (first on line 2)"},
      {"too-long", String.format(ok, 1) + String.format(ok, 2) + "{\"id\": 3, \"tokens\": " + tooLong
          + ", \"completion_start\": 1}\n",
          ":3: field 'tokens': " + (maxPositions + 1) + " tokens exceed the model's max_position_embeddings "
              + maxPositions},
      {"latin1", String.format(ok, 1) + "{\"id\": \"\u00e9\", \"tokens\": [1], \"completion_start\": 1}\n",
          ":2: not UTF-8: byte 9 of the line is 0xE9"}};
    for (String[] c : cases) {
      Path in = Files.write(dir.resolve(c[0] + ".jsonl"), c[1].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      Path out = dir.resolve(c[0] + "-spark");
      CliRun m = CliRun.of("logprobs", "--model", MODEL.toString(), "--input", in.toString(), "--output",
          dir.resolve(c[0] + "-single.jsonl").toString());
      CliRun s = CliRun.of("spark", "ref-logprobs", "--model", MODEL.toString(), "--input", in.toString(),
          "--output", out.toString(), "--partitions", "2");
      assertEquals(2, m.exit(), c[0] + ": " + m.stderr());
      assertTrue(m.stderr().contains(in + c[2]), c[0] + ": " + m.stderr());
      assertEquals(2, s.exit(), c[0] + ": " + s.stderr());
      assertEquals(m.stderr().replace("align4j logprobs: ", ""), s.stderr().replace("align4j ref-logprobs: ", ""),
          c[0]);
      assertFalse(Files.exists(out), c[0]);
    }
    assertEquals(0, CliRun.hiddenEntries(dir));
  }

  @Test
  void preferenceRowsWithARepeatedIdAreRefusedAsTheDpoRecipeRefusesThem() throws Exception {
    Path model = CliRun.repo("models/tiny-arith");
    List<String> rows = new ArrayList<>(Files.readAllLines(CliRun.repo("configs/data/arith-prefs.jsonl")));
    ObjectNode first = (ObjectNode) Jsonl.MAPPER.readTree(rows.get(0));
    first.put("id", "p1");
    rows.set(0, Jsonl.MAPPER.writeValueAsString(first));
    ObjectNode later = (ObjectNode) Jsonl.MAPPER.readTree(rows.get(40));
    later.put("id", "p1");
    rows.set(40, Jsonl.MAPPER.writeValueAsString(later));
    Path in = Files.write(dir.resolve("prefs.jsonl"), rows);
    CliRun r = CliRun.of("spark", "ref-logprobs", "--model", model.toString(), "--input", in.toString(),
        "--output", dir.resolve("out").toString(), "--chat-template", "tulu", "--max-length", "32", "--partitions",
        "3");
    assertEquals(2, r.exit(), r.stderr());
    String expected;
    try {
      PreferenceExample.readJsonl(in);
      throw new AssertionError("the recipe's reader accepted a repeated id");
    } catch (dev.align4j.core.BadInputException e) {
      expected = e.getMessage();
    }
    assertEquals(in + ":41: field 'id': duplicate id \"p1\" (first on line 1)", expected);
    assertEquals("align4j ref-logprobs: " + expected, r.stderr().strip());
  }

  @Test
  void badTokenIdExitsTwoNamingFileLineAndFieldAndLeavesNothing() throws Exception {
    Path in = Files.write(dir.resolve("bad.jsonl"), List.of(
        "{\"id\": \"a\", \"tokens\": [1, 2, 3], \"completion_start\": 1}",
        "{\"id\": \"b\", \"tokens\": [1, 99999], \"completion_start\": 1}"));
    Path out = dir.resolve("out");
    CliRun r = CliRun.of("spark", "ref-logprobs", "--model", MODEL.toString(), "--input", in.toString(),
        "--output", out.toString());
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains(in + ":2: field 'tokens[1]': token id 99999 outside"), r.stderr());
    assertFalse(Files.exists(out));
    assertEquals(0, CliRun.hiddenEntries(dir));
  }
}
