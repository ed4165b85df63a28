package dev.align4j.app.cli;

import dev.align4j.core.BadInputException;
import dev.align4j.experiments.api.ConfigOverride;
import dev.align4j.experiments.api.ExperimentRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./align4j run CONFIG.json [key=value ...] [--out DIR] [--resume RUN_DIR]}: runs the experiment the config's
 * {@code "experiment"} field names, in a new run directory, or continues one from its newest checkpoint.
 * {@code key=value} overrides a (dotted) config field, e.g. {@code training.learning_rate=1e-6 loss.beta=0.1}; the
 * value is JSON when it parses as JSON, else a string; the result is validated like the file, and the overrides are
 * recorded in the run's {@code provenance.json} (the run's {@code config.json} holds the resolved values).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run an experiment from a JSON config (its \"experiment\" field names it).")
public final class RunCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "CONFIG.json [key=value ...]",
      description = "The experiment config (optional with --resume: the run's own config.json is used), then "
          + "overrides of its fields, e.g. training.learning_rate=1e-6 loss.beta=0.1.")
  List<String> arguments = new ArrayList<>();

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
      throw BadInputException.option("--stop-at-step", "must be >= 1, got " + stopAtStep);
    }
    List<String> rest = new ArrayList<>(arguments);
    Optional<Path> config = Optional.empty();
    if (!rest.isEmpty() && (resume == null || !ConfigOverride.looksLikeOne(rest.get(0)))) {
      config = Optional.of(Path.of(rest.remove(0)));
    }
    List<ConfigOverride> overrides = new ArrayList<>();
    for (String arg : rest) {
      overrides.add(ConfigOverride.parse(arg));
    }
    Path dir;
    if (resume != null) {
      if (out != null) {
        throw BadInputException.option("--out", "--out and --resume exclude each other: a resumed run stays in "
            + "RUN_DIR");
      }
      if (!overrides.isEmpty()) {
        throw BadInputException.option("--resume", "a resumed run keeps the config it started with; overrides ("
            + overrides.get(0).text() + ") apply to a new run");
      }
      dir = ExperimentRunner.resume(resume, config, stop, System.err);
    } else {
      Path file = config.orElseThrow(() -> BadInputException.option("CONFIG.json", "required (or --resume RUN_DIR)"));
      dir = ExperimentRunner.runFresh(file, overrides, Optional.ofNullable(out), stop, System.err);
    }
    System.out.println(dir);
    return Main.EXIT_OK;
  }
}
