package dev.align4j.app.cli;

import dev.align4j.app.demo.DemoPipeline;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j demo [--out DIR] [--steps-scale F]}: SFT → DPO (dpo_norm) → GRPO (math verifier) on the
 * embedded tiny model; prints the held-out accuracy table and the plot paths, writes {@code summary.json}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run SFT, DPO (dpo_norm) and GRPO (math verifier) end to end on the embedded tiny model.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default runs/demo-<time>).")
  Path out;

  @Option(names = "--steps-scale", paramLabel = "F", defaultValue = "1.0",
      description = "Multiply every stage's data and updates by F (default ${DEFAULT-VALUE}); small F = quick check.")
  double stepsScale;

  @Option(names = "--pretrain",
      description = "Pretrain the base model from random weights (as the shipped one was made) instead of loading it.")
  boolean pretrain;

  @Override
  public Integer call() throws Exception {
    if (!(stepsScale > 0 && stepsScale <= 100)) {
      throw dev.align4j.core.BadInputException.option("--steps-scale", "must be in (0, 100], got " + stepsScale);
    }
    // The tiny model's ops are too small to gain from threads, and on a busy 2-core machine OpenMP spinning
    // makes multi-threaded steps many times slower; one intra-op thread unless the user chose otherwise.
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Path dir = out != null ? out : Path.of("runs", "demo-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    long start = System.nanoTime();
    DemoPipeline.Summary summary = new DemoPipeline(dir, stepsScale,
        pretrain ? DemoPipeline.Base.PRETRAIN : DemoPipeline.Base.SHIPPED, System.err).run();
    double seconds = (System.nanoTime() - start) / 1e9;

    System.out.printf("align4j demo: held-out accuracy on %d problems never trained on (%.0f s)%n",
        summary.heldOutProblems(), seconds);
    System.out.println("  stage   accuracy");
    for (Map.Entry<String, Double> e : summary.accuracy().entrySet()) {
      System.out.printf("  %-6s  %7.3f%n", e.getKey(), e.getValue());
    }
    System.out.println("run directory: " + dir);
    System.out.println("summary: " + dir.resolve("summary.json"));
    System.out.println("plots:");
    summary.plots().forEach(p -> System.out.println("  " + p));
    return Main.EXIT_OK;
  }
}
