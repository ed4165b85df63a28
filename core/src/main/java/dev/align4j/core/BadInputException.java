package dev.align4j.core;

import java.nio.file.Path;

/**
 * Bad user input: an unreadable file, malformed JSON, a missing/unknown/mistyped field or a value out of range.
 * The CLI turns it into exit code 2 and one stderr line {@code FILE:LINE: field 'F': message}.
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Path file;
  private final int line;
  private final String field;

  /**
   * @param file the input file, or {@code null} when the input is not a file (a flag)
   * @param line 1-based line number, or 0 when the whole file is concerned
   * @param field the offending field, or {@code null} when the problem is not tied to one field
   */
  public BadInputException(Path file, int line, String field, String message) {
    super(format(file, line, field, message));
    this.file = file;
    this.line = line;
    this.field = field;
  }

  public BadInputException(Path file, int line, String field, String message, Throwable cause) {
    this(file, line, field, message);
    initCause(cause);
  }

  public Path file() {
    return file;
  }

  public int line() {
    return line;
  }

  public String field() {
    return field;
  }

  private static String format(Path file, int line, String field, String message) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file);
      if (line > 0) {
        sb.append(':').append(line);
      }
      sb.append(": ");
    }
    if (field != null) {
      sb.append("field '").append(field).append("': ");
    }
    return sb.append(message).toString();
  }
}
