package dev.align4j.spark;

import dev.align4j.app.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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
    return repo("fixtures/" + name);
  }

  /** A folder of this repository (tests run in the module folder). */
  static Path repo(String relative) {
    Path dir = Path.of("..").resolve(relative).toAbsolutePath().normalize();
    if (!Files.exists(dir)) {
      throw new IllegalStateException(dir + " missing (tests run from a module folder of the repository)");
    }
    return dir;
  }

  /** The JSONL part files of a job's output folder, concatenated in name order ({@code cat OUT/part-*}). */
  static byte[] parts(Path out) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(out)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        all.write(Files.readAllBytes(p));
      }
    }
    return all.toByteArray();
  }

  /** Names in {@code dir} that start with a dot (a job's hidden temporary folder would). */
  static long hiddenEntries(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".")).count();
    }
  }
}
