package dev.align4j.experiments.run;

import dev.align4j.core.AtomicFiles;
import dev.align4j.core.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The lock a run or resume holds on its run directory: an OS file lock ({@link FileChannel#tryLock()}) on
 * {@code RUN_DIR/.lock}, released when the holder closes it or its process dies (a {@code kill -9} leaves no stale
 * lock). The holder writes who it is into the file ({@code pid 4242 on host since 2026-01-02T03:04:05Z}), so that a
 * second run of the same directory is refused naming it.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name in a run directory. */
  public static final String FILE = ".lock";

  /** Lock files this JVM holds → their holder line. */
  private static final Map<Path, String> HELD = new HashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code runDir} (which must exist).
   *
   * @throws BadInputException naming the holder when another run holds it
   */
  public static RunLock acquire(Path runDir) {
    Path file = runDir.resolve(FILE).toAbsolutePath().normalize();
    String me = "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now();
    synchronized (HELD) {
      // POSIX locks belong to the process: opening and closing the file again in this JVM would drop the lock,
      // so a second attempt from this process is answered from memory without touching the file
      String holder = HELD.get(file);
      if (holder != null) {
        throw inUse(runDir, holder);
      }
      FileChannel channel = null;
      try {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
          String other = Files.readString(file, StandardCharsets.UTF_8).strip();
          channel.close();
          throw inUse(runDir, other.isEmpty() ? "holder unknown" : other);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        HELD.put(file, me);
        return new RunLock(file, channel, lock);
      } catch (IOException e) {
        closeQuietly(channel);
        throw new UncheckedIOException("cannot lock " + runDir + ": " + AtomicFiles.describe(e), e);
      }
    }
  }

  private static BadInputException inUse(Path runDir, String holder) {
    return new BadInputException(runDir, 0, null, "in use by another run (" + holder
        + "); wait for it to finish or stop it first");
  }

  private static String host() {
    String name = ManagementFactory.getRuntimeMXBean().getName(); // "pid@host"
    int at = name.indexOf('@');
    return at < 0 ? "this machine" : name.substring(at + 1);
  }

  @Override
  public void close() {
    synchronized (HELD) {
      if (HELD.remove(file) == null) {
        return; // closed before
      }
      try {
        lock.release();
      } catch (IOException ignored) {
        // the channel's close below releases it too
      }
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing held any more
      }
    }
  }
}
