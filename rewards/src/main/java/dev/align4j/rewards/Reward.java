package dev.align4j.rewards;

import dev.align4j.core.JsonLine;
import java.util.Set;

/**
 * A reward as RL experiments use it, built from config by {@link RewardConfig#create()}: it knows which fields of a
 * prompt line hold what responses are checked against (the reference: a gold answer, tests, constraints), and
 * grades a response into a shaped scalar (what advantages are computed from) and the verifier's pass/fail (what
 * dynamic sampling and accuracy metrics use), kept apart.
 *
 * <pre>{@code
 * Reward<?> reward = RewardConfig.fromJson("{\"type\": \"math\", \"scale\": 10.0}").create();
 * }</pre>
 *
 * <p>Implementations are thread-safe and never throw on garbage responses.
 *
 * @param <R> the parsed reference type
 */
public interface Reward<R> extends AutoCloseable {

  /** The fields of a prompt line this reward reads, e.g. {@code gold}. */
  Set<String> referenceFields();

  /**
   * Parses the reference of one prompt line.
   *
   * @throws dev.align4j.core.BadInputException naming the file, line and field when a field is missing or malformed
   */
  R reference(JsonLine line);

  /** Grades one response against its reference. */
  Graded grade(String response, R reference);

  /** Releases what the reward holds (e.g. a sandbox); the default holds nothing. */
  @Override
  default void close() {}
}
