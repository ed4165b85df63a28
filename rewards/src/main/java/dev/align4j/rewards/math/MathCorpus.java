package dev.align4j.rewards.math;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.rewards.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The math verifier's test corpora, shipped as classpath resources: one JSON object a line,
 * {@code {"gold", "response", "expected": "correct|incorrect|no_answer", "source"}}. {@value #RESOURCE} holds
 * cases from public graders' test suites and our own; {@code ./align4j bench verify} times checks on it.
 * {@value #ADVERSARIAL} holds the attacks a reward-hacking policy could try, one class per {@code source} prefix
 * ({@code attack: …}, reward 0), next to what graders accept and must still pass ({@code keep: …}). The tests
 * check every case of both.
 */
public final class MathCorpus {

  /** Classpath location of the corpus. */
  public static final String RESOURCE = "/math/corpus.jsonl";
  /** Classpath location of the adversarial corpus. */
  public static final String ADVERSARIAL = "/math/adversarial.jsonl";

  /**
   * One corpus case.
   *
   * @param gold the reference answer
   * @param response a model response
   * @param expected the verdict status the verifier must give (CORRECT, INCORRECT or NO_ANSWER)
   * @param source where the case comes from (a public test suite's fact, or our own)
   */
  public record Case(String gold, String response, Verdict.Status expected, String source) {
    public Case {
      Objects.requireNonNull(gold, "gold");
      Objects.requireNonNull(response, "response");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(source, "source");
      if (expected != Verdict.Status.CORRECT && expected != Verdict.Status.INCORRECT
          && expected != Verdict.Status.NO_ANSWER) {
        throw new IllegalArgumentException("expected must be correct, incorrect or no_answer, got " + expected);
      }
    }
  }

  /** The JSON shape of a line; unknown fields are errors. */
  private record Line(String gold, String response, String expected, String source) {}

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private MathCorpus() {}

  /** Loads every case of {@value #RESOURCE}, in file order. */
  public static List<Case> load() {
    return load(RESOURCE);
  }

  /** Loads every case of a corpus resource ({@link #RESOURCE} or {@link #ADVERSARIAL}), in file order. */
  public static List<Case> load(String resource) {
    try (InputStream in = MathCorpus.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing");
      }
      return read(resource, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }

  private static List<Case> read(String resource, BufferedReader reader) throws IOException {
    List<Case> cases = new ArrayList<>();
    String text;
    int lineNo = 0;
    while ((text = reader.readLine()) != null) {
      lineNo++;
      if (text.isBlank()) {
        continue;
      }
      String where = resource + " line " + lineNo;
      Line line;
      try {
        line = MAPPER.readValue(text, Line.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(where + ": not a corpus case: " + e.getOriginalMessage(), e);
      }
      if (line.gold() == null || line.response() == null || line.expected() == null || line.source() == null) {
        throw new IllegalStateException(where + ": gold, response, expected and source are required");
      }
      Verdict.Status status;
      try {
        status = Verdict.Status.valueOf(line.expected().toUpperCase(Locale.ROOT));
        cases.add(new Case(line.gold(), line.response(), status, line.source()));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(where + ": field expected must be correct, incorrect or no_answer, got "
            + line.expected(), e);
      }
    }
    return List.copyOf(cases);
  }
}
