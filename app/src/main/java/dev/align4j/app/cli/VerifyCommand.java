package dev.align4j.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.rewards.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j verify --checker math|code|ifeval --input IN.jsonl --output OUT.jsonl [--workers N]}: one output
 * line {@code {"id", "reward", "status", "detail"}} per input line, in input order (contract: the project's CLI.md, summarized in README).
 * Every line is parsed and validated before any check runs, so bad input exits 2 with file:line:field and writes
 * nothing; checks then run on {@code --workers} threads (each code check is one sandboxed process).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verifiable rewards: math, code (sandboxed) and instruction constraints.")
public final class VerifyCommand implements java.util.concurrent.Callable<Integer> {

  @Option(names = "--checker", required = true, converter = Checker.Converter.class,
      description = "math | code | ifeval")
  Checker checker;

  @Option(names = "--input", required = true, description = "input JSONL")
  Path input;

  @Option(names = "--output", required = true, description = "output JSONL (written atomically)")
  Path output;

  @Option(names = "--workers", description = "parallel checks (default: available cores)")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--timeout-ms", description = "code: wall-clock limit per response in ms (default: ${DEFAULT-VALUE})")
  long timeoutMs = 5000;

  @Override
  public Integer call() throws Exception {
    Options.inRange("--workers", workers, 1, 256);
    Options.inRange("--timeout-ms", timeoutMs, 100, 600_000);
    Options.output("--output", output);
    List<JsonLine> lines = Jsonl.read(input);
    Set<String> fields = checker.lineFields("response");
    Verifiers verifiers = new Verifiers();
    List<JsonNode> ids = new ArrayList<>(lines.size());
    List<Supplier<Verdict>> checks = new ArrayList<>(lines.size());
    UniqueIds unique = new UniqueIds();
    for (JsonLine line : lines) {
      line.onlyFields(fields);
      ids.add(line.id());
      String response = line.string("response");
      CheckTarget target = checker.target(line, timeoutMs);
      unique.add(line); // after the line's own checks, as spark verify orders them
      checks.add(() -> target.check(response, verifiers));
    }
    List<Verdict> verdicts = runAll(checks);
    Map<String, Integer> byStatus = new TreeMap<>();
    double total = 0;
    try (AtomicOutput out = AtomicOutput.create(output)) {
      for (int i = 0; i < verdicts.size(); i++) {
        Verdict v = verdicts.get(i);
        ObjectNode node = Jsonl.MAPPER.createObjectNode();
        node.set("id", ids.get(i));
        node.put("reward", v.reward());
        node.put("status", v.status().wireName());
        node.put("detail", v.detail());
        out.writeJsonLine(node);
        byStatus.merge(v.status().wireName(), 1, Integer::sum);
        total += v.reward();
      }
      out.commit();
    }
    System.out.printf(Locale.ROOT, "verified %d lines (%s): mean reward %.4f, %s%n", verdicts.size(),
        checker.wireName(), verdicts.isEmpty() ? 0.0 : total / verdicts.size(), byStatus);
    return Main.EXIT_OK;
  }

  private List<Verdict> runAll(List<Supplier<Verdict>> checks) throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(workers, Math.max(1, checks.size())), r -> {
      Thread t = new Thread(r, "verify-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Verdict>> futures = new ArrayList<>(checks.size());
      checks.forEach(c -> futures.add(pool.submit(c::get)));
      List<Verdict> out = new ArrayList<>(checks.size());
      long lastReport = System.nanoTime();
      for (Future<Verdict> f : futures) {
        out.add(f.get());
        if (System.nanoTime() - lastReport > 2_000_000_000L) {
          System.err.printf(Locale.ROOT, "verify: %d/%d checked%n", out.size(), checks.size());
          lastReport = System.nanoTime();
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
