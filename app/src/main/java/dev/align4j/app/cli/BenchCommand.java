package dev.align4j.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks, measured side by side with a peer in the same run; never run as tests. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Performance, measured side by side with a peer in the same run.",
    subcommands = {BenchPolicyCommand.class, BenchDpoStepCommand.class, BenchVerifyCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: policy | dpo-step | verify");
  }
}
