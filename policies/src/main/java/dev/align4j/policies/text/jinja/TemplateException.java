package dev.align4j.policies.text.jinja;

/**
 * A chat template that does not parse, fails while rendering, or calls {@code raise_exception} (its way of
 * rejecting a conversation, e.g. "Conversation roles must alternate"). The message names where the template came
 * from.
 */
public final class TemplateException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final boolean raisedByTemplate;

  TemplateException(String message, boolean raisedByTemplate) {
    super(message);
    this.raisedByTemplate = raisedByTemplate;
  }

  /** Whether the template itself rejected the input through {@code raise_exception}. */
  public boolean raisedByTemplate() {
    return raisedByTemplate;
  }
}
