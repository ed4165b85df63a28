package dev.align4j.app.cli;

import java.util.Optional;

/**
 * A command contributed by a module that the core CLI does not depend on (for example {@code align4j-spark}),
 * found with {@link java.util.ServiceLoader} when its jar is on the class path. Register an implementation in
 * {@code META-INF/services/dev.align4j.app.cli.CliExtension}.
 */
public interface CliExtension {

  /** The picocli command object (a class annotated with {@code @Command}). */
  Object command();

  /** The name of the parent command, e.g. {@code "bench"}; empty for a top-level command. */
  default Optional<String> parent() {
    return Optional.empty();
  }
}
