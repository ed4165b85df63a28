package dev.align4j.spark;

import dev.align4j.app.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** One in-process CLI run with its exit code and stderr; helpers shared by the Spark tests. */
record CliRun(int exit, String stderr) {

  static CliRun of(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.execute(args);
      return new CliRun(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }

  /** {@code fixtures/NAME} of this repository (tests run in the module folder). */
  static Path fixture(String name) {
    Path dir = Path.of("..", "fixtures", name).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("fixture " + dir + " missing (tests run from a module folder of the repository)");
    }
    return dir;
  }
}
