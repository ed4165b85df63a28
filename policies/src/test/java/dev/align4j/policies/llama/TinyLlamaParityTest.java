package dev.align4j.policies.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.generate.Generator;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parity with the repository's fixtures/tiny-llama: expected values are float64 references from the fixture's
 * reference.py (cross-checked against an HF-structured torch model to 7e-15); the README's fp32 tolerance is
 * 1.5e-5 per token, sum within tol × scored tokens, greedy tokens exact.
 */
class TinyLlamaParityTest {
  static final double TOL = 1.5e-5;
  static Path dir;
  static LlamaModel model;

  @BeforeAll
  static void load() {
    dir = Fixtures.tinyLlama();
    model = LlamaModel.load(dir, LoadOptions.cpu());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void logprobsMatchFixtureInOnePaddedBatchAndOneByOne() {
    List<JsonNode> cases = Fixtures.jsonl(dir.resolve("sequences.jsonl"));
    List<JsonNode> expected = Fixtures.jsonl(dir.resolve("expected_logprobs.jsonl"));
    assertEquals(10, cases.size(), "a00..a09 of the fixture");
    assertEquals(cases.size(), expected.size());
    List<int[]> seqs = new ArrayList<>();
    int[] starts = new int[cases.size()];
    for (int i = 0; i < cases.size(); i++) {
      seqs.add(Fixtures.ints(cases.get(i).get("tokens")));
      starts[i] = cases.get(i).get("completion_start").asInt();
    }
    SequenceBatch batch = SequenceBatch.rightPadded(seqs, starts, 0);
    try (NDManager step = model.manager().newSubManager()) {
      // small chunks so that the chunk loop is exercised across sequence boundaries
      BatchLogProbs lp = TokenLogProbs.compute(model, batch, step, 7);
      float[] sums = lp.sums().toFloatArray();
      float[] means = lp.means().toFloatArray();
      for (int i = 0; i < cases.size(); i++) {
        JsonNode e = expected.get(i);
        double[] want = Fixtures.doubles(e.get("token_logprobs"));
        assertArrayEquals(want, lp.scored(batch, i), TOL, "case " + e.get("id"));
        assertEquals(e.get("sum").asDouble(), sums[i], TOL * want.length, "sum " + e.get("id"));
        assertEquals(e.get("mean").asDouble(), means[i], TOL, "mean " + e.get("id"));
      }
    }
    for (int i = 0; i < cases.size(); i++) {
      SequenceBatch one = SequenceBatch.rightPadded(List.of(seqs.get(i)), new int[] {starts[i]}, 0);
      try (NDManager step = model.manager().newSubManager()) {
        double[] want = Fixtures.doubles(expected.get(i).get("token_logprobs"));
        assertArrayEquals(want, TokenLogProbs.compute(model, one, step).scored(one, 0), TOL);
      }
    }
  }

  @Test
  void greedyGenerationIsExactBatchedWithKvCache() {
    List<JsonNode> prompts = Fixtures.jsonl(dir.resolve("generate.jsonl"));
    List<JsonNode> expected = Fixtures.jsonl(dir.resolve("expected_generate.jsonl"));
    List<int[]> ps = new ArrayList<>();
    for (JsonNode p : prompts) {
      ps.add(Fixtures.ints(p.get("prompt")));
    }
    assertEquals(4, ps.size());
    assertEquals(ps.size(), expected.size());
    List<int[]> got = Generator.generate(model, ps, GenerationConfig.greedy(12));
    for (int i = 0; i < ps.size(); i++) {
      assertArrayEquals(Fixtures.ints(expected.get(i).get("tokens")), got.get(i), "case " + i);
    }
  }
}
