package dev.align4j.app.cli;

import dev.align4j.rewards.code.CodeVerifier;
import dev.align4j.rewards.code.PythonInterpreter;
import dev.align4j.rewards.code.Sandbox;
import dev.align4j.rewards.code.SandboxLimits;
import dev.align4j.rewards.ifeval.IfEvalVerifier;
import dev.align4j.rewards.math.MathVerifier;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The verifiers a checking command shares between its threads: one math and one ifeval verifier, and one sandbox
 * per wall-clock limit with {@link SandboxLimits#defaults()} (created, with its isolation probe, only when the
 * first code check runs, so bad input is reported before any sandbox starts). Thread-safe.
 */
public final class Verifiers {
  private final MathVerifier math = new MathVerifier();
  private final IfEvalVerifier ifeval = new IfEvalVerifier();
  private final Map<Long, CodeVerifier> code = new ConcurrentHashMap<>();

  /** The math verifier. */
  public MathVerifier math() {
    return math;
  }

  /** The instruction-constraint verifier. */
  public IfEvalVerifier ifeval() {
    return ifeval;
  }

  /** The code verifier whose sandbox kills a run after {@code timeoutMs}. */
  public CodeVerifier code(long timeoutMs) {
    return code.computeIfAbsent(timeoutMs, ms -> new CodeVerifier(Sandbox.create(
        SandboxLimits.defaults().withWallClock(Duration.ofMillis(ms)), PythonInterpreter.resolve())));
  }
}
