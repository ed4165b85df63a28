package dev.align4j.experiments.api;

import java.nio.file.Path;
import java.util.List;

/**
 * An experiment: a typed, validated config record and a {@code run} that reads top to bottom. Adding one is one
 * class plus one line in {@code META-INF/services/dev.align4j.experiments.api.Experiment}; the config's
 * {@code "experiment"} field selects it by {@link #name()}.
 *
 * <pre>{@code
 * public final class Hello implements Experiment<Hello.Config> {
 *   public record Config(@JsonProperty("greeting") String greeting) {
 *     public Config { if (greeting.isBlank()) throw new IllegalArgumentException("greeting must not be blank"); }
 *   }
 *   public String name() { return "hello"; }
 *   public Class<Config> configType() { return Config.class; }
 *   public void run(Config c, RunContext ctx) { ctx.err().println(c.greeting()); }
 * }
 * }</pre>
 *
 * @param <C> the config record; Jackson reads it with unknown fields rejected, and its compact constructor
 *     validates values with messages that name the field
 */
public interface Experiment<C extends Record> {

  /** The name configs use in their {@code "experiment"} field. */
  String name();

  /** The config record class. */
  Class<C> configType();

  /** Data files the run reads, hashed into {@code provenance.json}. */
  default List<Path> dataFiles(C config) {
    return List.of();
  }

  /**
   * Checks what the run will read before its run directory is created, so that bad input costs no run directory and
   * no expensive work: data files parse, model folders exist, sizes and budgets fit the model and the machine. Throw
   * an {@link dev.align4j.core.InvalidConfigException} naming the config field (the runner reports it with the config
   * file's line, or the command-line override that set it) or a {@link dev.align4j.core.BadInputException} naming a
   * data file's line. The runner itself first checks that every {@link #dataFiles} entry is a readable file. The
   * default checks nothing more.
   */
  default void validate(C config) {}

  /** Runs the experiment, writing into {@code context.dir()}. */
  void run(C config, RunContext context) throws Exception;
}
