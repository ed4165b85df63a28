package dev.align4j.app.cli;

import dev.align4j.core.BadInputException;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.policies.llama.InvalidModelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./align4j} command line (contract: the project's CLI.md, summarized in README). Exit codes: 0 success;
 * 2 bad usage or bad input, one stderr line naming file, line and field (or the option): only the project's own
 * {@link BadInputException}, {@link InvalidConfigException} and {@link InvalidModelException} (and picocli's usage
 * errors) map to 2; 1 for anything else (an internal failure), with the cause on stderr and the stack trace in a log
 * file under the system temp directory whose path is printed.
 */
@Command(
    name = "align4j",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Preference optimization and RL from verifiable rewards for language models.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      LossCommand.class,
      LogprobsCommand.class,
      GenerateCommand.class,
      VerifyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI in-process and returns the exit code (tests call this). */
  public static int execute(String... args) {
    System.setProperty("ai.djl.offline", "true");
    CommandLine cli = newCommandLine();
    return cli.execute(args);
  }

  static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Main());
    for (CliExtension ext : java.util.ServiceLoader.load(CliExtension.class)) {
      CommandLine parent = ext.parent().map(name -> cli.getSubcommands().get(name)).orElse(cli);
      if (parent == null) {
        throw new IllegalStateException("CLI extension " + ext.getClass().getName() + " names unknown parent "
            + ext.parent().orElse(""));
      }
      parent.addSubcommand(ext.command());
    }
    cli.setExecutionExceptionHandler(Main::handleException);
    return cli;
  }

  private static int handleException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    String who = "align4j " + cmd.getCommandName() + ": ";
    if (isBadInput(e)) {
      err.println(who + e.getMessage());
      return EXIT_USAGE;
    }
    err.println(who + "internal failure: " + describe(e));
    Optional<Path> log = writeLog(e, cmd.getCommandName());
    err.println(who + log.map(p -> "stack trace in " + p).orElse("(could not write a log file; "
        + "set ALIGN4J_DEBUG=1 to print the stack trace)"));
    if (System.getenv("ALIGN4J_DEBUG") != null) {
      e.printStackTrace(err);
    }
    return EXIT_FAILURE;
  }

  /**
   * Whether {@code e} is the project's own bad-input or bad-config error (exit 2). Everything else, including a
   * plain {@link IllegalArgumentException} from deep inside the library, is an internal failure (exit 1).
   */
  static boolean isBadInput(Throwable e) {
    return e instanceof BadInputException || e instanceof InvalidConfigException
        || e instanceof InvalidModelException || e instanceof CommandLine.ParameterException;
  }

  /** The exception and, when it adds something, its root cause. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    if (root == e || (root.getMessage() != null && top.contains(root.getMessage()))) {
      return top;
    }
    return top + " (cause: " + root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
  }

  /** Writes the stack trace to {@code TMPDIR/align4j-COMMAND-TIME-PID.log}; empty when that fails too. */
  private static Optional<Path> writeLog(Throwable e, String command) {
    try {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path log = Path.of(System.getProperty("java.io.tmpdir"),
          "align4j-" + command + "-" + stamp + "-" + ProcessHandle.current().pid() + ".log");
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      Files.writeString(log, trace.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return Optional.of(log);
    } catch (IOException | RuntimeException ignored) {
      return Optional.empty();
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Version from the jar manifest when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"align4j " + (v == null ? "dev" : v)};
    }
  }
}
