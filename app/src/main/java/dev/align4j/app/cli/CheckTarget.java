package dev.align4j.app.cli;

import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.code.CodeTest;
import dev.align4j.rewards.ifeval.Constraint;
import java.util.List;

/**
 * What one input line's responses are checked against, parsed by a {@link Checker} from its reference fields;
 * {@link #check} runs one response through the matching verifier of a {@link Verifiers}.
 */
public sealed interface CheckTarget {

  /** Checks {@code response} with {@code verifiers}. */
  Verdict check(String response, Verifiers verifiers);

  /** Math: the gold answer (a string or a number in the input). */
  record Gold(String gold) implements CheckTarget {
    @Override
    public Verdict check(String response, Verifiers verifiers) {
      return verifiers.math().verify(response, gold);
    }
  }

  /** Code: the tests of the response's last python block (only the calls and programs run in the sandbox). */
  record Tests(List<CodeTest> tests, long timeoutMs) implements CheckTarget {
    @Override
    public Verdict check(String response, Verifiers verifiers) {
      return verifiers.code(timeoutMs).verify(response, tests);
    }
  }

  /** Instruction following: the parsed constraints. */
  record Constraints(List<Constraint> constraints) implements CheckTarget {
    @Override
    public Verdict check(String response, Verifiers verifiers) {
      return verifiers.ifeval().verify(response, constraints);
    }
  }
}
