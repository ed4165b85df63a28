package dev.align4j.app.cli;

import dev.align4j.experiments.api.ExperimentRunner;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./align4j run CONFIG.json [--out DIR] [--resume RUN_DIR]}: runs the experiment the config's
 * {@code "experiment"} field names, in a new run directory, or continues one from its newest checkpoint.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run an experiment from a JSON config (its \"experiment\" field names it).")
public final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG.json",
      description = "The experiment config (optional with --resume: the run's own config.json is used).")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default runs/<experiment>-<time>).")
  Path out;

  @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue RUN_DIR from its newest checkpoint.")
  Path resume;

  @Option(names = "--stop-at-step", paramLabel = "K",
      description = "Checkpoint and stop once K updates are done (continue later with --resume).")
  Long stopAtStep;

  @Override
  public Integer call() throws Exception {
    OptionalLong stop = stopAtStep == null ? OptionalLong.empty() : OptionalLong.of(stopAtStep);
    if (stopAtStep != null && stopAtStep < 1) {
      throw new IllegalArgumentException("--stop-at-step must be >= 1, got " + stopAtStep);
    }
    Path dir;
    if (resume != null) {
      if (out != null) {
        throw new IllegalArgumentException("--out and --resume exclude each other: a resumed run stays in RUN_DIR");
      }
      dir = ExperimentRunner.resume(resume, Optional.ofNullable(config), stop, System.err);
    } else {
      if (config == null) {
        throw new IllegalArgumentException("CONFIG.json is required (or --resume RUN_DIR)");
      }
      dir = ExperimentRunner.runFresh(config, Optional.ofNullable(out), stop, System.err);
    }
    System.out.println(dir);
    return Main.EXIT_OK;
  }
}
