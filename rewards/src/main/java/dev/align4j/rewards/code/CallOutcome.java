package dev.align4j.rewards.code;

import java.util.Objects;

/** What one call of an assert-style test, evaluated in the sandbox, produced for the trusted side. */
public sealed interface CallOutcome {

  /** The call returned a plain value (see {@link PyValue}). */
  record Returned(PyValue value) implements CallOutcome {
    public Returned {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The call raised, or its value could not be sent back; {@code message} is {@code "Type: text"}. */
  record Raised(String message) implements CallOutcome {
    public Raised {
      Objects.requireNonNull(message, "message");
    }
  }

  /** No value came back: the solution failed first, the process died or timed out, or the stream was malformed. */
  record Missing(String why) implements CallOutcome {
    public Missing {
      Objects.requireNonNull(why, "why");
    }
  }
}
