package dev.align4j.app.cli;

import dev.align4j.core.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./align4j} command line (contract: the project's CLI.md, summarized in README). Exit codes: 0 success, 1 internal failure,
 * 2 bad usage or bad input (with file, line and field on stderr).
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
    if (e instanceof BadInputException bad) {
      err.println("align4j " + cmd.getCommandName() + ": " + bad.getMessage());
      return EXIT_USAGE;
    }
    if (e instanceof IllegalArgumentException bad) {
      err.println("align4j " + cmd.getCommandName() + ": " + bad.getMessage());
      return EXIT_USAGE;
    }
    err.println("align4j " + cmd.getCommandName() + ": internal failure: " + e);
    if (System.getenv("ALIGN4J_DEBUG") != null) {
      e.printStackTrace(err);
    }
    return EXIT_FAILURE;
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
