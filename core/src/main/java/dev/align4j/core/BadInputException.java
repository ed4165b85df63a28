package dev.align4j.core;

import java.nio.file.Path;

/**
 * Bad user input: an unreadable file, malformed JSON, a missing/unknown/mistyped field, a value out of range, a bad
 * command-line option. The CLI turns it into exit code 2 and one stderr line {@code FILE:LINE: field 'F': message}
 * (for an option: {@code --option: message}; for a source that is not a file, such as a command-line override:
 * {@code override 'k=v': field 'F': message}).
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final String field;

  /**
   * @param file the input file, or {@code null} when the input is not a file (a flag)
   * @param line 1-based line number, or 0 when the whole file is concerned
   * @param field the offending field, or {@code null} when the problem is not tied to one field
   */
  public BadInputException(Path file, int line, String field, String message) {
    this(format(file == null ? null : prefix(file, line), field, message), file, line, field);
  }

  public BadInputException(Path file, int line, String field, String message, Throwable cause) {
    this(file, line, field, message);
    initCause(cause);
  }

  private BadInputException(String formatted, Path file, int line, String field) {
    super(formatted);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  /** A bad command-line option: {@code --batch-size: must be >= 1, got 0}. */
  public static BadInputException option(String option, String message) {
    return new BadInputException(option + ": " + message, null, 0, option);
  }

  /**
   * Bad input from a source that is not a file line, e.g. {@code source = "override 'loss.beta=x'"}:
   * {@code override 'loss.beta=x': field 'loss.beta': message}.
   */
  public static BadInputException at(String source, String field, String message) {
    return new BadInputException(format(source, field, message), null, 0, field);
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

  private static String prefix(Path file, int line) {
    return line > 0 ? file + ":" + line : file.toString();
  }

  private static String format(String source, String field, String message) {
    StringBuilder sb = new StringBuilder();
    if (source != null) {
      sb.append(source).append(": ");
    }
    if (field != null) {
      sb.append("field '").append(field).append("': ");
    }
    return sb.append(message).toString();
  }
}
