package dev.align4j.spark;

import dev.align4j.core.BadInputException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Bad input found on an executor, shipped back to the driver (a {@link BadInputException} holds a {@link Path},
 * which is not serializable). The driver picks the first bad row by file and line and reports it by checking that
 * row again with its real file name and line number ({@code InputDataset.Scan#validate}); this record says what the
 * executor saw, for the rare case where the two disagree.
 *
 * @param line the line (or row) number the executor knew, relative to its partition
 * @param field the offending field, or {@code null} when the line itself is malformed
 * @param message what is wrong, without the file:line:field prefix
 */
public record LineError(long line, String field, String message) implements Serializable {

  /** Captures {@code e}, stripping the prefix its constructor added. */
  public static LineError of(BadInputException e) {
    String prefix = new BadInputException(e.file(), e.line(), e.field(), "").getMessage();
    String full = e.getMessage();
    return new LineError(e.line(), e.field(), full.startsWith(prefix) ? full.substring(prefix.length()) : full);
  }
}
