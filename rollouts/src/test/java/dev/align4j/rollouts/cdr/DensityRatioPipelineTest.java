package dev.align4j.rollouts.cdr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.rollouts.BestOfN;
import dev.align4j.rollouts.GroupSampler;
import dev.align4j.rollouts.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDR pipeline with the shared tiny-llama fixture as the strong model (and sampling policy) and a random model
 * of the same config as the weak one.
 */
class DensityRatioPipelineTest {
  private static final GenerationConfig SAMPLING = new GenerationConfig(8, 1.0, 1.0, 11L, false);
  private static LlamaModel strong;
  private static LlamaModel weak;

  @BeforeAll
  static void loadModels() {
    strong = LlamaModel.load(fixture(), LoadOptions.cpu());
    weak = LlamaModel.randomInit(strong.config(), 7, LoadOptions.cpu());
  }

  @AfterAll
  static void closeModels() {
    strong.close();
    weak.close();
  }

  /** {@code fixtures/tiny-llama} of this repository (tests run in the module folder). */
  static Path fixture() {
    Path dir = Path.of("..", "fixtures", "tiny-llama").toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalStateException("fixture " + dir + " missing (tests run from a module folder of the repository)");
    }
    return dir;
  }

  private static List<Prompt<Prompt.NoReference>> prompts() {
    return List.of(
        Prompt.unreferenced("a", new int[] {1, 17, 42}),
        Prompt.unreferenced("b", new int[] {1, 200, 3, 99, 5}),
        Prompt.unreferenced("c", new int[] {1}));
  }

  /** Σ log π_strong − Σ log π_weak of one sequence scored alone (no padding), the definition. */
  private static double scoreAlone(int[] prompt, int[] completion) {
    SequenceBatch one = SequenceBatch.rightPadded(
        List.of(GroupSampler.concat(prompt, completion)), new int[] {prompt.length}, 0);
    try (NDManager m = NDManager.newBaseManager()) {
      return TokenLogProbs.compute(strong, one, m).sums().getFloat(0)
          - (double) TokenLogProbs.compute(weak, one, m).sums().getFloat(0);
    }
  }

  @Test
  void chosenHasTheHighestDensityRatioInItsGroupAndTheJsonlParsesBack(@TempDir Path dir) throws IOException {
    DensityRatioScorer scorer = new DensityRatioScorer(strong, weak);
    List<DensityRatioGroup> groups = new DensityRatioPairs(4, SAMPLING, scorer).build(strong, prompts());
    assertEquals(3, groups.size());
    for (DensityRatioGroup g : groups) {
      assertEquals(4, g.scores().length, "one score per sample");
      assertNotEquals(g.chosen(), g.rejected());
      for (int j = 0; j < g.scores().length; j++) {
        // batched, right-padded scores equal the definition computed one sequence at a time
        assertEquals(scoreAlone(g.promptTokens(), g.completions().get(j)), g.scores()[j], 1e-3);
        assertTrue(g.scores()[g.chosen()] >= g.scores()[j], "group " + g.promptId() + " sample " + j);
      }
    }
    // the random weak model is near-uniform while the fixture is peaked: scores differ, so the choice means something
    assertTrue(java.util.Arrays.stream(groups.get(0).scores()).distinct().count() > 1);

    Path out = dir.resolve("pairs.jsonl");
    PreferenceJsonl.write(out, groups.stream().map(DensityRatioGroup::pair).toList(), Optional.empty());
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(out);
    assertEquals(groups.size(), lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode node = json.readTree(lines.get(i));
      DensityRatioGroup g = groups.get(i);
      assertEquals(g.promptId(), node.get("id").asText());
      assertArrayEquals(g.promptTokens(), json.treeToValue(node.get("prompt"), int[].class));
      assertArrayEquals(g.completions().get(g.chosen()), json.treeToValue(node.get("chosen"), int[].class));
      assertArrayEquals(g.completions().get(g.rejected()), json.treeToValue(node.get("rejected"), int[].class));
      assertEquals(g.scores()[g.chosen()], node.get("chosen_score").asDouble(), 0.0);
      assertEquals(g.scores()[g.rejected()], node.get("rejected_score").asDouble(), 0.0);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(out), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void decodedJsonlHasTextAndBestOfNWithTheDensityRatioRewardPicksTheSameSample(@TempDir Path dir)
      throws IOException {
    DensityRatioScorer scorer = new DensityRatioScorer(strong, weak);
    List<DensityRatioGroup> groups = new DensityRatioPairs(4, SAMPLING, scorer).build(strong, prompts());
    List<BestOfN.Choice> best =
        new BestOfN<Prompt.NoReference>(4, SAMPLING, new DensityRatioReward<>(scorer)).select(strong, prompts());
    assertEquals(3, groups.size());
    assertEquals(groups.size(), best.size());
    for (int i = 0; i < groups.size(); i++) {
      // same generation seed, same samples: Best-of-N with the density-ratio reward picks the chosen sample
      assertEquals(groups.get(i).chosen(), best.get(i).index());
      assertArrayEquals(groups.get(i).scores(), best.get(i).rewards(), 1e-3);
    }
    Path out = dir.resolve("pairs.jsonl");
    PreferenceJsonl.write(out, List.of(groups.get(0).pair()), Optional.of(ids -> java.util.Arrays.toString(ids)));
    JsonNode node = new ObjectMapper().readTree(Files.readAllLines(out).get(0));
    assertEquals(java.util.Arrays.toString(groups.get(0).completions().get(groups.get(0).chosen())),
        node.get("chosen").asText());
  }
}
