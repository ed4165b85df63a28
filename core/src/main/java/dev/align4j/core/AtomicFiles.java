package dev.align4j.core;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes files and folders so that a reader never sees them half-written: everything goes into a hidden temporary
 * sibling ({@code .NAME.*.tmp} or {@code .tmp-NAME-*}) that is synced and renamed into place only when complete. A
 * failure deletes the temporary and rethrows with its cause (e.g. "No space left on device"); the target is then
 * untouched. The one helper behind every atomic write of the project.
 *
 * <pre>{@code
 * AtomicFiles.write(dir.resolve("model.safetensors"), out -> writeTensors(out));
 * AtomicFiles.writeFolder(runDir.resolve("final"), tmp -> model.save(tmp));
 * }</pre>
 */
public final class AtomicFiles {
  /** The prefix of temporary folders, so that stale ones can be found and removed. */
  public static final String TMP_FOLDER_PREFIX = ".tmp-";

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  /** Writes the body of a file. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Fills a folder. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(Path folder) throws IOException;
  }

  /** Writes {@code target} through a temporary sibling; replaces an existing file only on success. */
  public static void write(Path target, Body body) {
    Path abs = target.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = newTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
      try (OutputStream raw = Files.newOutputStream(tmp);
           BufferedOutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
        body.writeTo(out);
        out.flush();
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + describe(e), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) {
    write(target, out -> out.write(bytes));
  }

  /** Writes {@code text} as UTF-8 to {@code target} atomically. */
  public static void writeString(Path target, String text) {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Fills a temporary sibling folder and renames it onto {@code target}; an existing {@code target} is replaced
   * (it is removed only after the new folder is complete, so a crash leaves the old one or the new one).
   */
  public static Path writeFolder(Path target, Contents contents) {
    Path abs = target.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = newTempDirectory(abs.getParent(), TMP_FOLDER_PREFIX + abs.getFileName() + "-");
      contents.writeTo(tmp);
      if (Files.exists(abs)) {
        Path old = newTempDirectory(abs.getParent(), TMP_FOLDER_PREFIX + "old-" + abs.getFileName() + "-");
        Files.delete(old);
        Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
        deleteTree(old);
      } else {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
      }
      return abs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + describe(e), e);
    } finally {
      if (tmp != null) {
        try {
          deleteTree(tmp);
        } catch (IOException ignored) {
          // a leftover hidden .tmp- folder is removed by the next removeStale
        }
      }
    }
  }

  /**
   * Creates a new empty file {@code dir/PREFIX<random>SUFFIX} with the default permissions (what the umask allows,
   * as for any other file the program writes; {@link Files#createTempFile} would make it owner-only, and the renamed
   * result would keep that).
   */
  public static Path newTempFile(Path dir, String prefix, String suffix) throws IOException {
    while (true) {
      try {
        return Files.createFile(dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix));
      } catch (FileAlreadyExistsException taken) {
        // another name
      }
    }
  }

  /** Creates a new empty folder {@code dir/PREFIX<random>} with the default permissions (see {@link #newTempFile}). */
  public static Path newTempDirectory(Path dir, String prefix) throws IOException {
    while (true) {
      try {
        return Files.createDirectory(dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36)));
      } catch (FileAlreadyExistsException taken) {
        // another name
      }
    }
  }

  /** Removes every hidden temporary file and folder this class left in {@code dir} (e.g. after a kill); returns how many. */
  public static int removeStale(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int n = 0;
    try (var entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        boolean tmpFolder = name.startsWith(TMP_FOLDER_PREFIX) && Files.isDirectory(p);
        boolean tmpFile = name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p);
        if (tmpFolder || tmpFile) {
          deleteTree(p);
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean temporary files in " + dir + ": " + describe(e), e);
    }
    return n;
  }

  /** Deletes a file or a folder with everything in it; a missing path is fine. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** The cause of an I/O failure in words (the OS reason, e.g. "No space left on device", where there is one). */
  public static String describe(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fs) {
      if (fs.getReason() != null) {
        return fs.getReason();
      }
      // the JDK leaves the reason out of these (their message is just the path)
      if (e instanceof NoSuchFileException) {
        return "no such file or directory";
      }
      if (e instanceof java.nio.file.AccessDeniedException) {
        return "permission denied";
      }
      if (e instanceof FileAlreadyExistsException) {
        return "already exists";
      }
      if (e instanceof java.nio.file.NotDirectoryException) {
        return "not a directory";
      }
      return e.getClass().getSimpleName();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // hidden temporary; removeStale finds it later
      }
    }
  }
}
