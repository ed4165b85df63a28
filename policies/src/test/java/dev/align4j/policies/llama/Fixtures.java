package dev.align4j.policies.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.policies.score.SequenceBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The repository's test fixtures ({@code fixtures/} at the root) and helpers to read them. */
public final class Fixtures {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  /** The float64 parity fixture {@code fixtures/tiny-llama} (see its README). */
  public static Path tinyLlama() {
    return repositoryFixture("tiny-llama");
  }

  /**
   * {@code fixtures/NAME} of this repository; module tests run in the module folder, so it is {@code ../fixtures}.
   * Nothing outside the checkout is searched.
   */
  public static Path repositoryFixture(String name) {
    Path dir = Path.of("..", "fixtures", name).toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalStateException("fixture " + dir + " missing (tests run from a module folder of the repository)");
    }
    return dir;
  }

  /** Every line of a JSONL file as a tree. */
  public static List<JsonNode> jsonl(Path file) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(MAPPER.readTree(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The scoring cases of a fixture folder ({@code sequences.jsonl}: {@code {"id","tokens","completion_start"}}) as
   * one right-padded batch, in file order.
   */
  public static SequenceBatch sequences(Path fixtureDir) {
    List<JsonNode> cases = jsonl(fixtureDir.resolve("sequences.jsonl"));
    List<int[]> rows = cases.stream().map(n -> ints(n.get("tokens"))).toList();
    int[] starts = cases.stream().mapToInt(n -> n.get("completion_start").asInt()).toArray();
    return SequenceBatch.rightPadded(rows, starts, 0);
  }

  public static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  public static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
