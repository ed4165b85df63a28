package dev.align4j.experiments.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.align4j.core.BadInputException;
import dev.align4j.experiments.run.CheckpointStore;
import dev.align4j.experiments.run.Provenance;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Sets up a run directory around {@link Experiment#run}: writes the resolved {@code config.json} and
 * {@code provenance.json} (end time filled in when the run returns), or, when resuming, reads the run's own
 * config back and points the experiment at the newest complete checkpoint.
 */
public final class ExperimentRunner {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private ExperimentRunner() {}

  /** A fresh run of {@code configFile} in {@code out} (default {@code runs/<name>-<timestamp>}). */
  public static Path runFresh(Path configFile, Optional<Path> out, OptionalLong stopAtStep, PrintStream err)
      throws Exception {
    ConfigFiles.Bound<?> bound = ConfigFiles.read(configFile);
    Path dir = out.orElseGet(() -> Path.of("runs", bound.experiment().name() + "-"
        + LocalDateTime.now().format(STAMP)));
    if (Files.isDirectory(dir) && !isEmpty(dir)) {
      throw new BadInputException(null, 0, "--out", dir + " exists and is not empty (continue it with --resume "
          + dir + ")");
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), bound.toJsonString(), StandardCharsets.UTF_8);
    execute(bound, new RunContext(dir, Optional.empty(), stopAtStep, err));
    return dir;
  }

  /**
   * Runs {@code experiment} with a config built in code (as the demo's stages are) in {@code dir}, writing the
   * same {@code config.json} and {@code provenance.json} as a run from a file.
   */
  public static <C extends Record> Path runInDir(Experiment<C> experiment, C config, Path dir, PrintStream err)
      throws Exception {
    ConfigFiles.Bound<C> bound = new ConfigFiles.Bound<>(experiment, config);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), bound.toJsonString(), StandardCharsets.UTF_8);
    execute(bound, RunContext.fresh(dir, err));
    return dir;
  }

  /** Continues {@code runDir} from its newest checkpoint (from the start if it has none). */
  public static Path resume(Path runDir, Optional<Path> configFile, OptionalLong stopAtStep, PrintStream err)
      throws Exception {
    Path stored = runDir.resolve("config.json");
    if (!Files.isRegularFile(stored)) {
      throw new BadInputException(runDir, 0, "--resume", "not a run directory (no config.json)");
    }
    ConfigFiles.Bound<?> bound = ConfigFiles.read(stored);
    if (configFile.isPresent()) {
      ConfigFiles.Bound<?> given = ConfigFiles.read(configFile.get());
      if (!given.toJson().equals(bound.toJson())) {
        throw new BadInputException(configFile.get(), 0, null, "differs from " + stored
            + ": a run resumes with the config it started with");
      }
    }
    Optional<Path> checkpoint = new CheckpointStore(runDir.resolve("checkpoints"), 1).latest();
    err.println("align4j: resuming " + runDir + checkpoint.map(c -> " from " + c.getFileName())
        .orElse(" from the start (no complete checkpoint)"));
    execute(bound, new RunContext(runDir, checkpoint, stopAtStep, err));
    return runDir;
  }

  private static <C extends Record> void execute(ConfigFiles.Bound<C> bound, RunContext context) throws Exception {
    Experiment<C> experiment = bound.experiment();
    long seed = seedOf(bound);
    Provenance provenance = Provenance.start(experiment.name(), bound.toJsonString(),
        experiment.dataFiles(bound.config()), seed);
    writeProvenance(context.dir(), provenance);
    experiment.run(bound.config(), context);
    writeProvenance(context.dir(), provenance.finished());
  }

  private static long seedOf(ConfigFiles.Bound<?> bound) {
    var training = bound.toJson().path("training").path("seed");
    return training.isNumber() ? training.asLong() : bound.toJson().path("seed").asLong(0);
  }

  private static void writeProvenance(Path dir, Provenance p) {
    try {
      MAPPER.writeValue(dir.resolve("provenance.json").toFile(), p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write provenance.json in " + dir, e);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
