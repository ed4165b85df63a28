package dev.align4j.spark;

import dev.align4j.core.BadInputException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Bad input found on an executor, shipped back to the driver (a {@link BadInputException} holds a {@link Path},
 * which is not serializable). The driver reports the first one by line, exactly as the single-machine command
 * would have (the driver picks the first by file and line).
 *
 * @param line 1-based line (or row) number
 * @param field the offending field, or {@code null} when the line itself is malformed
 * @param message what is wrong, without the file:line:field prefix
 */
public record LineError(long line, String field, String message) implements Serializable {

  /** Captures {@code e}, stripping the prefix its constructor added so the driver can rebuild it verbatim. */
  public static LineError of(BadInputException e) {
    String prefix = new BadInputException(e.file(), e.line(), e.field(), "").getMessage();
    String full = e.getMessage();
    return new LineError(e.line(), e.field(), full.startsWith(prefix) ? full.substring(prefix.length()) : full);
  }

  /** The same error as the single-machine commands raise, naming {@code file}. */
  public BadInputException toException(Path file) {
    return new BadInputException(file, (int) Math.min(Integer.MAX_VALUE, line), field, message);
  }
}
