package dev.align4j.experiments.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.align4j.core.AtomicFiles;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.StrictJson;
import dev.align4j.experiments.run.CheckpointStore;
import dev.align4j.experiments.run.MetricsLog;
import dev.align4j.experiments.run.Provenance;
import dev.align4j.experiments.run.RunLock;
import dev.align4j.experiments.run.TrainerState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sets up a run directory around {@link Experiment#run}, in this order:
 *
 * <ol>
 *   <li>validate: the config (with its command-line overrides), the data files it names (present, readable, hashed
 *       for provenance) and the experiment's own {@link Experiment#validate checks} — bad input costs nothing;
 *   <li>create and lock the run directory ({@link RunLock}: a second run or resume of it is refused naming the
 *       holder), write the resolved {@code config.json} and {@code provenance.json};
 *   <li>run; a run that fails before its first update leaves no run directory behind (so the same {@code --out}
 *       can be used again), one that fails later keeps its metrics and checkpoints for {@code --resume}.
 * </ol>
 *
 * A resume refuses a {@code config.json} edited since the start (its SHA-256 is in {@code provenance.json}), data
 * files that changed, and a checkpoint whose files do not match its manifest; it deletes temporary folders left by
 * interrupted writes and continues from the newest checkpoint ({@code metrics.jsonl} is checked against it by the
 * trainer).
 */
public final class ExperimentRunner {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final String CONFIG = "config.json";
  private static final String PROVENANCE = "provenance.json";
  private static final String METRICS = "metrics.jsonl";
  private static final String CHECKPOINTS = "checkpoints";
  /** What a run leaves in its directory before its first update (a folder holding only these never started). */
  private static final Set<String> BEFORE_FIRST_UPDATE = Set.of(CONFIG, PROVENANCE, METRICS, CHECKPOINTS, "plots",
      "reference_logprobs", "cdr_pairs.jsonl", RunLock.FILE);

  private ExperimentRunner() {}

  /** A fresh run of {@code configFile} in {@code out} (default {@code runs/<name>-<timestamp>}). */
  public static Path runFresh(Path configFile, Optional<Path> out, OptionalLong stopAtStep, PrintStream err)
      throws Exception {
    return runFresh(configFile, List.of(), out, stopAtStep, err);
  }

  /** A fresh run of {@code configFile} with command-line {@code overrides} applied, in {@code out}. */
  public static Path runFresh(Path configFile, List<ConfigOverride> overrides, Optional<Path> out,
      OptionalLong stopAtStep, PrintStream err) throws Exception {
    ConfigFiles.Bound<?> bound = ConfigFiles.read(configFile, overrides);
    Path dir = out.orElseGet(() -> Path.of("runs", bound.experiment().name() + "-"
        + LocalDateTime.now().format(STAMP)));
    AtomicOutput.checkFolder(dir, "--out");
    if (Files.exists(dir) && !neverStarted(dir)) {
      throw BadInputException.option("--out", dir + " exists and is not empty (continue it with --resume " + dir
          + ")");
    }
    Provenance provenance = preflight(bound, Optional.of(configFile));
    return runNew(bound, provenance, dir, new RunContext(dir, Optional.empty(), stopAtStep, err));
  }

  /**
   * Runs {@code experiment} with a config built in code (as the demo's stages are) in {@code dir}, writing the
   * same {@code config.json} and {@code provenance.json} as a run from a file.
   */
  public static <C extends Record> Path runInDir(Experiment<C> experiment, C config, Path dir, PrintStream err)
      throws Exception {
    ConfigFiles.Bound<C> bound = new ConfigFiles.Bound<>(experiment, config);
    if (Files.exists(dir) && !neverStarted(dir)) {
      throw new BadInputException(dir, 0, null, "exists and is not empty");
    }
    Provenance provenance = preflight(bound, Optional.empty());
    return runNew(bound, provenance, dir, RunContext.fresh(dir, err));
  }

  /** Continues {@code runDir} from its newest checkpoint (from the start if it has none). */
  public static Path resume(Path runDir, Optional<Path> configFile, OptionalLong stopAtStep, PrintStream err)
      throws Exception {
    Path stored = runDir.resolve(CONFIG);
    if (!Files.isRegularFile(stored)) {
      throw BadInputException.option("--resume", runDir + " is not a run directory (no " + CONFIG + ")");
    }
    try (RunLock lock = RunLock.acquire(runDir)) {
      Provenance provenance = readProvenance(runDir);
      String sha = Provenance.sha256(stored);
      if (!sha.equals(provenance.configSha256())) {
        throw new BadInputException(stored, 0, null, "was edited after the run started (SHA-256 " + sha + ", "
            + PROVENANCE + " recorded " + provenance.configSha256() + "): a run resumes with the config it started"
            + " with; start a new run (--out) for a new config");
      }
      ConfigFiles.Bound<?> bound = ConfigFiles.read(stored);
      if (configFile.isPresent() && !ConfigFiles.read(configFile.get()).toJson().equals(bound.toJson())) {
        throw new BadInputException(configFile.get(), 0, null, "differs from " + stored
            + ": a run resumes with the config it started with");
      }
      Provenance now = preflight(bound, Optional.of(stored));
      for (Map.Entry<String, String> e : provenance.dataSha256().entrySet()) {
        if (!e.getValue().equals(now.dataSha256().get(e.getKey()))) {
          throw new BadInputException(stored, 0, null, "data file " + e.getKey() + " changed since the run started "
              + "(SHA-256 " + now.dataSha256().get(e.getKey()) + ", recorded " + e.getValue() + "); a resumed run "
              + "must read the data it started with");
        }
      }
      CheckpointStore store = new CheckpointStore(runDir.resolve(CHECKPOINTS), 1);
      int stale = AtomicFiles.removeStale(runDir) + store.removeStale();
      if (stale > 0) {
        err.println("align4j: removed " + stale + " temporary file(s) left by an interrupted write");
      }
      Optional<Path> checkpoint = store.latest();
      if (checkpoint.isPresent()) {
        CheckpointStore.verify(checkpoint.get());
        TrainerState state = CheckpointStore.readState(checkpoint.get());
        MetricsLog.check(runDir.resolve(METRICS), state.metricsLines(), state.metricsSha256());
      }
      err.println("align4j: resuming " + runDir + checkpoint.map(c -> " from " + c.getFileName())
          .orElse(" from the start (no complete checkpoint)"));
      Provenance resumed = provenance.resumedNow(checkpoint.map(c -> c.getFileName().toString()).orElse("start"));
      writeProvenance(runDir, resumed);
      run(bound, new RunContext(runDir, checkpoint, stopAtStep, err));
      writeProvenance(runDir, resumed.finished());
    }
    return runDir;
  }

  /**
   * Checks what the run reads before anything is created: each data file is a readable file (else an error naming
   * the config field that holds it), the experiment's own checks pass; returns the provenance (data hashed).
   */
  private static <C extends Record> Provenance preflight(ConfigFiles.Bound<C> bound, Optional<Path> configFile) {
    Experiment<C> experiment = bound.experiment();
    try {
      for (Path f : experiment.dataFiles(bound.config())) {
        if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
          String field = ConfigFiles.fieldHolding(bound.toJson(), f.toString()).orElse("data file");
          throw new InvalidConfigException(field, "names " + f + ", which " + (Files.isDirectory(f)
              ? "is a directory, not a file" : Files.exists(f) ? "is not readable" : "does not exist"));
        }
      }
      experiment.validate(bound.config());
    } catch (InvalidConfigException e) {
      throw configFile.<RuntimeException>map(file -> ConfigFiles.error(file, bound.overrides(), e.field(),
          e.getMessage())).orElse(e);
    }
    return Provenance.start(experiment.name(), bound.toJsonString(), experiment.dataFiles(bound.config()),
        seedOf(bound), bound.overrides().stream().map(ConfigOverride::text).toList());
  }

  /** Creates, locks and fills a new run directory, runs, and removes it again if the run never made an update. */
  private static <C extends Record> Path runNew(ConfigFiles.Bound<C> bound, Provenance provenance, Path dir,
      RunContext context) throws Exception {
    boolean existed = Files.isDirectory(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw BadInputException.option("--out", "cannot create " + dir + ": " + AtomicFiles.describe(e));
    }
    boolean removeDir = false;
    try (RunLock lock = RunLock.acquire(dir)) {
      clear(dir); // what a run killed before its first update left
      AtomicFiles.writeString(dir.resolve(CONFIG), bound.toJsonString());
      writeProvenance(dir, provenance);
      try {
        run(bound, context);
      } catch (Exception | Error e) {
        if (neverStarted(dir)) {
          clear(dir);
          removeDir = !existed;
          context.err().println("align4j: the run failed before its first update; " + (removeDir
              ? "removed " + dir : "emptied " + dir + " again"));
        }
        throw e;
      }
      writeProvenance(dir, provenance.finished());
    } finally {
      if (removeDir) {
        AtomicFiles.deleteTree(dir);
      }
    }
    return dir;
  }

  private static <C extends Record> void run(ConfigFiles.Bound<C> bound, RunContext context) throws Exception {
    bound.experiment().run(bound.config(), context);
  }

  /** Whether {@code dir} is empty or holds only what a run leaves before its first update. */
  private static boolean neverStarted(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (!BEFORE_FIRST_UPDATE.contains(name) && !name.startsWith(AtomicFiles.TMP_FOLDER_PREFIX)) {
          return false;
        }
      }
    }
    Path metrics = dir.resolve(METRICS);
    return !(Files.isRegularFile(metrics) && Files.size(metrics) > 0)
        && new CheckpointStore(dir.resolve(CHECKPOINTS), 1).latest().isEmpty();
  }

  /** Deletes everything in {@code dir} but the lock file. */
  private static void clear(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (!p.getFileName().toString().equals(RunLock.FILE)) {
          AtomicFiles.deleteTree(p);
        }
      }
    }
  }

  private static long seedOf(ConfigFiles.Bound<?> bound) {
    var training = bound.toJson().path("training").path("seed");
    return training.isNumber() ? training.asLong() : bound.toJson().path("seed").asLong(0);
  }

  private static Provenance readProvenance(Path dir) {
    Path file = dir.resolve(PROVENANCE);
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file, 0, null, "missing: the run directory cannot be checked before resuming");
    }
    try {
      return StrictJson.mapper().readValue(file.toFile(), Provenance.class);
    } catch (IOException e) {
      throw new BadInputException(file, 0, null, "unreadable: " + AtomicFiles.describe(e), e);
    }
  }

  private static void writeProvenance(Path dir, Provenance p) {
    try {
      AtomicFiles.write(dir.resolve(PROVENANCE), MAPPER.writeValueAsBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + PROVENANCE + " in " + dir, e);
    }
  }
}
