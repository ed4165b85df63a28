package dev.align4j.spark.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The built jars of a checkout, split the way a cluster sees them.
 *
 * <ul>
 *   <li>{@link #application()}: what {@code spark-submit} ships ({@code --jars} / {@code spark.jars}):
 *       {@code app/target/align4j.jar}, {@code app/target/lib/*.jar} (the library modules and their third-party
 *       jars, the CPU libtorch included) and {@code spark/target/align4j-spark.jar} (the main class
 *       {@code SparkMain});
 *   <li>{@link #sparkHome()}: what a Spark installation's {@code jars/} folder holds: {@code spark/target/lib/*.jar}
 *       (the jars Spark brings that the app does not) plus the app's third-party jars Spark needs too (Jackson,
 *       slf4j, commons-*); a stock distribution has its own copies of those.
 * </ul>
 *
 * All of it comes from {@code mvn -q -DskipTests package} (or {@code install}) at the repository root.
 *
 * @param root the repository root
 */
public record SubmitJars(Path root) {

  /** The jars {@code spark-submit --jars} ships to every executor. */
  public List<Path> application() {
    List<Path> out = new ArrayList<>();
    out.add(require(root.resolve("app/target/align4j.jar")));
    out.addAll(jars(root.resolve("app/target/lib")));
    out.add(require(root.resolve("spark/target/align4j-spark.jar")));
    return out;
  }

  /** The main jar given to {@code spark-submit} (holds {@code dev.align4j.spark.cli.SparkMain}). */
  public Path mainJar() {
    return require(root.resolve("spark/target/align4j-spark.jar"));
  }

  /** The jars of a Spark installation: Spark's own plus the third-party jars it shares with the app. */
  public List<Path> sparkHome() {
    List<Path> out = new ArrayList<>(jars(root.resolve("spark/target/lib")));
    for (Path p : jars(root.resolve("app/target/lib"))) {
      if (!p.getFileName().toString().startsWith("align4j-")) {
        out.add(p);
      }
    }
    return out;
  }

  private static List<Path> jars(Path dir) {
    require(dir);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path require(Path p) {
    if (!Files.exists(p)) {
      throw new IllegalStateException(p + " is missing: build the jars first with 'mvn -q -DskipTests package' at the "
          + "repository root");
    }
    return p;
  }
}
