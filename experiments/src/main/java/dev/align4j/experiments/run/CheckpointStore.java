package dev.align4j.experiments.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicFiles;
import dev.align4j.core.BadInputException;
import dev.align4j.core.StrictJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code RUN_DIR/checkpoints/step-NNNNNNNN/}: each checkpoint is written completely into a hidden temporary folder
 * and renamed into place ({@link AtomicFiles#writeFolder}), so a run killed at any moment leaves only complete
 * checkpoints (the newest one is what {@code --resume} continues from) plus, at worst, a {@code .tmp-*} folder that
 * {@link #removeStale()} deletes. The last file written into a checkpoint is {@code manifest.json}, the SHA-256 of
 * every other file:
 *
 * <pre>{@code
 * {"format": 1, "files": {"config.json": "9f2c…", "model.safetensors": "04ab…", "optimizer.bin": "…",
 *                         "trainer_state.json": "…"}}
 * }</pre>
 *
 * {@link #verify} checks it before a resume: a flipped byte, a file from another checkpoint, a truncated or missing
 * file is refused naming the file. Only the newest {@code keep} checkpoints are kept. A write failure (e.g. no
 * space left on the device) leaves no partial checkpoint and reports the OS cause.
 */
public final class CheckpointStore {
  /** The file holding {@link TrainerState} in every checkpoint. */
  public static final String STATE_FILE = "trainer_state.json";
  /** The per-file SHA-256 list, written last. */
  public static final String MANIFEST_FILE = "manifest.json";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper STRICT = StrictJson.mapper();
  private final Path root;
  private final int keep;

  /** What a checkpoint writes besides its state: the model (HF layout) and the optimizer. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(Path dir) throws IOException;
  }

  public CheckpointStore(Path root, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep_checkpoints must be >= 1, got " + keep);
    }
    this.root = root;
    this.keep = keep;
  }

  /** Writes a checkpoint atomically (temp folder + rename, manifest last) and prunes old ones; returns its folder. */
  public Path save(TrainerState state, Contents contents) {
    Path target = root.resolve(String.format("step-%08d", state.step()));
    AtomicFiles.writeFolder(target, tmp -> {
      contents.writeTo(tmp);
      MAPPER.writeValue(tmp.resolve(STATE_FILE).toFile(), state);
      writeManifest(tmp);
    });
    List<Path> all = list();
    try {
      for (int i = 0; i < all.size() - keep; i++) {
        AtomicFiles.deleteTree(all.get(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove an old checkpoint under " + root + ": "
          + AtomicFiles.describe(e), e);
    }
    return target;
  }

  /** The newest checkpoint folder, if any (complete by construction; {@link #verify} checks it was not altered). */
  public Optional<Path> latest() {
    List<Path> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Deletes the temporary folders that interrupted saves left behind; returns how many. */
  public int removeStale() {
    return AtomicFiles.removeStale(root);
  }

  /**
   * Checks every file of {@code checkpoint} against its manifest.
   *
   * @throws BadInputException naming the first file that is missing, altered or not in the manifest's format
   */
  public static void verify(Path checkpoint) {
    Path manifestFile = checkpoint.resolve(MANIFEST_FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw new BadInputException(manifestFile, 0, null, "missing: the checkpoint cannot be verified (written by an "
          + "older align4j, or altered); remove " + checkpoint.getFileName() + " to resume from the one before it");
    }
    JsonNode files;
    try {
      files = STRICT.readTree(manifestFile.toFile()).path("files");
    } catch (IOException e) {
      throw new BadInputException(manifestFile, 0, null, "unreadable: " + AtomicFiles.describe(e), e);
    }
    if (!files.isObject() || files.isEmpty()) {
      throw new BadInputException(manifestFile, 0, "files", "must be an object of file name -> SHA-256");
    }
    for (var it = files.fields(); it.hasNext(); ) {
      var e = it.next();
      Path file = checkpoint.resolve(e.getKey()).normalize();
      if (!file.startsWith(checkpoint.normalize()) || !Files.isRegularFile(file)) {
        throw new BadInputException(file, 0, null, "missing from checkpoint " + checkpoint.getFileName()
            + " (listed in its manifest)");
      }
      String actual = Provenance.sha256(file);
      if (!actual.equals(e.getValue().asText())) {
        throw new BadInputException(file, 0, null, "does not match checkpoint " + checkpoint.getFileName()
            + "'s manifest (SHA-256 " + actual + ", recorded " + e.getValue().asText() + "): the file was altered,"
            + " truncated or replaced; refusing to resume from it");
      }
    }
  }

  /** Reads a checkpoint's {@link TrainerState} (strictly: an altered state file is bad input naming it). */
  public static TrainerState readState(Path checkpoint) {
    Path file = checkpoint.resolve(STATE_FILE);
    try {
      return STRICT.readValue(file.toFile(), TrainerState.class);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
          "not a valid trainer state: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new BadInputException(file, 0, null, "unreadable: " + AtomicFiles.describe(e), e);
    }
  }

  private static void writeManifest(Path dir) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        sums.put(dir.relativize(p).toString().replace('\\', '/'), Provenance.sha256(p));
      }
    }
    ObjectNode manifest = MAPPER.createObjectNode().put("format", 1);
    ObjectNode files = manifest.putObject("files");
    sums.forEach(files::put);
    MAPPER.writeValue(dir.resolve(MANIFEST_FILE).toFile(), manifest);
  }

  private List<Path> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().matches("step-\\d+") && Files.isDirectory(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + AtomicFiles.describe(e), e);
    }
  }
}
