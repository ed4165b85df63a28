package dev.align4j.core;

/**
 * A config value that is not allowed (out of range, an unknown plug-in name, an inconsistent combination), thrown
 * by config records' constructors and registries. {@link #field()} is the JSON field name relative to the record
 * (e.g. {@code label_smoothing}; readers prefix the path of the record, e.g. {@code loss.label_smoothing}),
 * {@link #reason()} says what is wrong, and the message is {@code "<field> <reason>"}. One of the project's two
 * bad-input exceptions (with {@link BadInputException}): the CLI maps it to exit code 2.
 */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public InvalidConfigException(String field, String reason) {
    super(field + " " + reason);
    this.field = field;
    this.reason = reason;
  }

  /** The JSON field name of the offending value. */
  public String field() {
    return field;
  }

  /** What is wrong, without the field name (e.g. {@code "must be finite and > 0 (got -1.0)"}). */
  public String reason() {
    return reason;
  }
}
