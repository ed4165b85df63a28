package dev.align4j.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.Jsonl;
import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.code.CodeVerifier;
import dev.align4j.rewards.code.PythonInterpreter;
import dev.align4j.rewards.code.Sandbox;
import dev.align4j.rewards.code.SandboxLimits;
import dev.align4j.rewards.math.MathCorpus;
import dev.align4j.rewards.math.MathVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j bench verify [--out FILE]}: (1) math checks per second on one core (single thread) over the math
 * corpus, after a warm-up, median of {@code --math-runs} timed passes; (2) code-sandbox overhead per case, the
 * median over a few small cases of (median sandboxed check − median bare {@code python3 script.py} run of the same
 * solution and tests, same interpreter), runs interleaved; a sandboxed check is the whole {@link CodeVerifier} path
 * (parsing the asserts, the per-run cgroup, the isolated run, the comparison outside). Writes
 * {@code [{"name": "math", "checks_per_s_per_core": x, ...}, {"name": "sandbox", "overhead_ms_per_case": y, ...}]}.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Math checks per second per core and sandbox overhead per case.")
public final class BenchVerifyCommand implements Callable<Integer> {

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  Path out = Path.of("bench-verify.json");

  @Option(names = "--math-runs", description = "timed passes over the math corpus (default: ${DEFAULT-VALUE})")
  int mathRuns = 5;

  @Option(names = "--sandbox-runs", description = "timed runs per code case and side (default: ${DEFAULT-VALUE})")
  int sandboxRuns = 7;

  /** Small solutions with tests; the cost measured is process setup and isolation, not the Python work. */
  private static final List<String[]> CODE_CASES = List.of(
      new String[] {"def add(a, b):\n    return a + b\n", "assert add(1, 2) == 3", "assert add(-1, 1) == 0"},
      new String[] {"def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
          "assert fib(10) == 55", "assert fib(30) == 832040"},
      new String[] {"import re\ndef words(s):\n    return re.findall(r'\\w+', s)\n",
          "assert words('a b, c') == ['a', 'b', 'c']"},
      new String[] {"def srt(xs):\n    return sorted(xs, reverse=True)\n", "assert srt([1, 3, 2]) == [3, 2, 1]",
          "assert srt([]) == []", "assert srt([5]) == [5]"});

  @Override
  public Integer call() throws Exception {
    if (mathRuns < 1 || sandboxRuns < 1) {
      throw dev.align4j.core.BadInputException.option("--math-runs, --sandbox-runs", "must be >= 1");
    }
    ArrayNode results = Jsonl.MAPPER.createArrayNode();
    results.add(benchMath());
    results.add(benchSandbox());
    try (AtomicOutput o = AtomicOutput.create(out)) {
      o.write(Jsonl.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results));
      o.write("\n");
      o.commit();
    }
    System.out.println("name      value");
    System.out.printf(Locale.ROOT, "math      %.0f checks/s/core (target >= 5000)%n",
        results.get(0).get("checks_per_s_per_core").asDouble());
    System.out.printf(Locale.ROOT, "sandbox   %.1f ms overhead/case (target <= 30; sandboxed %.1f ms vs bare %.1f ms,"
            + " isolation %s)%n", results.get(1).get("overhead_ms_per_case").asDouble(),
        results.get(1).get("median_sandboxed_ms").asDouble(), results.get(1).get("median_bare_ms").asDouble(),
        results.get(1).get("isolation").asText());
    System.out.println("wrote " + out);
    return Main.EXIT_OK;
  }

  private ObjectNode benchMath() {
    List<MathCorpus.Case> corpus = MathCorpus.load();
    MathVerifier verifier = new MathVerifier();
    long sink = 0;
    for (int warm = 0; warm < 3; warm++) {
      sink += pass(verifier, corpus);
    }
    double[] rates = new double[mathRuns];
    for (int r = 0; r < mathRuns; r++) {
      long checks = 0;
      long start = System.nanoTime();
      // at least half a second per timed run so that timer resolution and JIT noise stay small
      while (System.nanoTime() - start < 500_000_000L) {
        sink += pass(verifier, corpus);
        checks += corpus.size();
      }
      rates[r] = checks / ((System.nanoTime() - start) / 1e9);
    }
    ObjectNode n = Jsonl.MAPPER.createObjectNode();
    n.put("name", "math");
    n.put("checks_per_s_per_core", median(rates));
    n.put("corpus_cases", corpus.size());
    n.put("runs", mathRuns);
    n.put("threads", 1);
    n.put("correct_seen", sink); // keeps the checks observable so the JIT cannot drop them
    return n;
  }

  private static long pass(MathVerifier verifier, List<MathCorpus.Case> corpus) {
    long correct = 0;
    for (MathCorpus.Case c : corpus) {
      correct += verifier.verify(c.response(), c.gold()).reward() > 0 ? 1 : 0;
    }
    return correct;
  }

  private ObjectNode benchSandbox() throws IOException, InterruptedException {
    PythonInterpreter python = PythonInterpreter.resolve();
    Sandbox sandbox = Sandbox.create(SandboxLimits.defaults(), python);
    CodeVerifier verifier = new CodeVerifier(sandbox);
    Path dir = Files.createTempDirectory("align4j-bench-");
    try {
      double[] overheads = new double[CODE_CASES.size()];
      double[] sandboxed = new double[CODE_CASES.size()];
      double[] bare = new double[CODE_CASES.size()];
      for (int c = 0; c < CODE_CASES.size(); c++) {
        String[] cs = CODE_CASES.get(c);
        List<String> tests = Arrays.asList(cs).subList(1, cs.length);
        Path script = dir.resolve("case" + c + ".py");
        Files.writeString(script, cs[0] + "\n" + String.join("\n", tests) + "\n");
        double[] s = new double[sandboxRuns];
        double[] b = new double[sandboxRuns];
        timeSandbox(verifier, cs[0], tests);
        timeBare(python, script);
        for (int r = 0; r < sandboxRuns; r++) {
          s[r] = timeSandbox(verifier, cs[0], tests);
          b[r] = timeBare(python, script);
        }
        sandboxed[c] = median(s);
        bare[c] = median(b);
        overheads[c] = sandboxed[c] - bare[c];
      }
      ObjectNode n = Jsonl.MAPPER.createObjectNode();
      n.put("name", "sandbox");
      n.put("overhead_ms_per_case", median(overheads));
      n.put("median_sandboxed_ms", median(sandboxed));
      n.put("median_bare_ms", median(bare));
      n.put("cases", CODE_CASES.size());
      n.put("runs_per_case", sandboxRuns);
      n.put("isolation", sandbox.describe());
      n.put("python", python.executable().toString());
      return n;
    } finally {
      Sandbox.awaitCleanups(5000);
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static double timeSandbox(CodeVerifier verifier, String solution, List<String> tests) {
    long start = System.nanoTime();
    Verdict v = verifier.verifyAsserts("```python\n" + solution + "```\n", tests);
    double ms = (System.nanoTime() - start) / 1e6;
    if (v.status() != Verdict.Status.PASSED) {
      throw new IllegalStateException("benchmark case failed in the sandbox: " + v.detail());
    }
    return ms;
  }

  private static double timeBare(PythonInterpreter python, Path script) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(python.executable().toString(), script.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("bare python3 run of " + script + " failed");
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
