package dev.align4j.core;

/**
 * A loss config value outside its allowed range; {@link #field()} is the JSON field name (e.g.
 * {@code label_smoothing}), and the message names the field, the allowed range and the value given.
 */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidConfigException(String field, String message) {
    super(field + " " + message);
    this.field = field;
  }

  /** The JSON field name of the offending value. */
  public String field() {
    return field;
  }
}
