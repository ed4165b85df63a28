package dev.align4j.rewards.config;

import dev.align4j.core.JsonLine;
import dev.align4j.rewards.Graded;
import dev.align4j.rewards.Reward;
import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.Verifier;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link Reward} over one {@link Verifier}: the reference is parsed from the prompt line's fields, the reward is
 * {@code scale × verdict reward}, and a response passes when the verdict has status {@code pass}. The verifier is
 * made on first use (a code sandbox starts its isolation probe then, not when the config is read).
 *
 * @param referenceFields the prompt-line fields {@code parse} reads
 * @param parse the reference of a prompt line (errors name file, line and field)
 * @param verifier makes the verifier, once
 * @param scale the reward multiplier, {@code > 0}
 * @param pass the status that means passed
 * @param <R> the reference type
 */
record VerifiedReward<R>(Set<String> referenceFields, Function<JsonLine, R> parse, Supplier<Verifier<R>> verifier,
    double scale, Verdict.Status pass) implements Reward<R> {

  VerifiedReward {
    verifier = memoize(verifier);
  }

  @Override
  public R reference(JsonLine line) {
    return parse.apply(line);
  }

  @Override
  public Graded grade(String response, R reference) {
    return Graded.of(verifier.get().verify(response, reference), scale, pass);
  }

  private static <T> Supplier<T> memoize(Supplier<T> make) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public T get() {
        T v = value;
        if (v == null) {
          synchronized (this) {
            if (value == null) {
              value = make.get();
            }
            v = value;
          }
        }
        return v;
      }
    };
  }
}
