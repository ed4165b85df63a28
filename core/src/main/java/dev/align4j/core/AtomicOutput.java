package dev.align4j.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temporary sibling that is renamed into place only by {@link #commit()}; closing
 * without committing deletes the temporary file, so a failed command leaves nothing half-written.
 *
 * <pre>{@code
 * try (AtomicOutput out = AtomicOutput.create(path)) {
 *   out.writeJsonLine(node);
 *   out.commit();
 * }
 * }</pre>
 */
public final class AtomicOutput implements AutoCloseable {
  private final Path target;
  private final Path tmp;
  private final BufferedWriter writer;
  private boolean committed;

  private AtomicOutput(Path target) throws IOException {
    this.target = target.toAbsolutePath();
    Path dir = this.target.getParent();
    Files.createDirectories(dir);
    this.tmp = AtomicFiles.newTempFile(dir, "." + this.target.getFileName() + ".", ".tmp");
    this.writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
  }

  public static AtomicOutput create(Path target) {
    try {
      return new AtomicOutput(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output next to " + target + ": " + AtomicFiles.describe(e), e);
    }
  }

  /**
   * Refuses, before any work is done, an output path that cannot be written: a directory, or a path whose nearest
   * existing ancestor is not a writable directory. Commands call it on their output options first thing.
   *
   * @throws BadInputException naming {@code option} (e.g. {@code --output})
   */
  public static void checkTarget(Path target, String option) {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw BadInputException.option(option, abs + " is a directory; name a file");
    }
    if (Files.exists(abs) && !Files.isWritable(abs)) {
      throw BadInputException.option(option, abs + " is not writable");
    }
    requireCreatableIn(abs, abs.getParent(), option);
  }

  /**
   * Refuses, before any work is done, an output folder that cannot be used: an existing file, an existing folder
   * that is not writable, or a path whose nearest existing ancestor is not a writable directory.
   *
   * @throws BadInputException naming {@code option} (e.g. {@code --out})
   */
  public static void checkFolder(Path folder, String option) {
    Path abs = folder.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw BadInputException.option(option, abs + " is a file, not a folder");
    }
    requireCreatableIn(abs, abs, option);
  }

  private static void requireCreatableIn(Path abs, Path from, String option) {
    Path ancestor = from;
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null || !Files.isDirectory(ancestor)) {
      throw BadInputException.option(option, "cannot create " + abs + ": " + ancestor + " is not a directory");
    }
    if (!Files.isWritable(ancestor)) {
      throw BadInputException.option(option, "cannot create " + abs + ": " + ancestor + " is not writable");
    }
  }

  public void write(String s) {
    try {
      writer.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + AtomicFiles.describe(e), e);
    }
  }

  /** Writes one compact JSON object followed by a newline. */
  public void writeJsonLine(JsonNode node) {
    try {
      write(Jsonl.MAPPER.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    write("\n");
  }

  /** Flushes, syncs and atomically renames the temporary file onto the target. */
  public void commit() {
    try {
      writer.close();
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + AtomicFiles.describe(e), e);
    }
  }

  @Override
  public void close() {
    if (!committed) {
      try {
        writer.close();
      } catch (IOException ignored) {
        // best effort: the temporary file is deleted below either way
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // nothing more to do; the target was never touched
      }
    }
  }
}
