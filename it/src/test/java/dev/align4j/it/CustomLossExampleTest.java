package dev.align4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/custom-loss}, as its README tells a user to use it: a separate Maven project built offline against
 * the installed library (its own test checks the loss against its formula), whose jar makes the loss type
 * {@code offset_dpo} usable in the shipped {@code dpo} experiment through {@code ALIGN4J_CLASSPATH} — and without
 * the jar the same config is refused with exit code 2 and nothing written.
 */
class CustomLossExampleTest {
  static final Path EXAMPLE = Processes.ROOT.resolve("examples/custom-loss");

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  static void buildTheExampleAgainstTheInstalledLibrary() throws Exception {
    String version = System.getProperty("align4j.version");
    Path repo = Path.of(System.getProperty("align4j.maven.repo"));
    for (String module : List.of("core", "losses")) {
      Path installed = repo.resolve("dev/align4j/align4j-" + module + "/" + version + "/align4j-" + module + "-"
          + version + ".jar");
      Path built = Processes.ROOT.resolve(module + "/target/align4j-" + module + "-" + version + ".jar");
      assumeTrue(Files.isRegularFile(installed) && Arrays.equals(Files.readAllBytes(installed),
          Files.readAllBytes(built)), "the example builds against the installed library: run the README's test "
          + "command (mvn -q install) so that this build's " + module + " jar is the installed one");
    }
    Path mvn = Path.of(System.getProperty("align4j.maven.home"), "bin", "mvn");
    Processes build = Processes.run(EXAMPLE, Map.of(), 300, List.of(mvn.toString(), "-o", "-q", "-B",
        "-Dmaven.repo.local=" + repo, "package"));
    assertEquals(0, build.exitCode(), build.output());
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theLossRunsInTheShippedDpoExperimentOnlyWithItsJarOnTheClassPath(@TempDir Path tmp) throws Exception {
    Path jar = EXAMPLE.resolve("target/custom-loss.jar");
    assertTrue(Files.isRegularFile(jar), "the example's build made " + jar);
    String launcher = Processes.ROOT.resolve("align4j").toString();
    String config = EXAMPLE.resolve("config.json").toString();

    Path refused = tmp.resolve("refused");
    Processes without = Processes.run(EXAMPLE, Map.of(), 120, List.of(launcher, "run", config, "--out",
        refused.toString()));
    assertEquals(2, without.exitCode(), without.output());
    assertTrue(without.output().contains("unknown loss type 'offset_dpo'"), without.output());
    assertTrue(without.output().contains("config.json:4"), "names file and line: " + without.output());
    assertFalse(Files.exists(refused), "nothing written");

    Path run = tmp.resolve("run");
    Processes with = Processes.run(EXAMPLE, Map.of("ALIGN4J_CLASSPATH", jar.toString()), 150,
        List.of(launcher, "run", config, "--out", run.toString()));
    assertEquals(0, with.exitCode(), with.output());
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(4, lines.size(), "64 pairs / effective batch 16: " + lines);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    // step 1: policy = reference, margin 0, so the plug-in's loss is -log σ(0 - offset 1) = log(1 + e); a
    // built-in (sigmoid/dpo_norm) would give ln 2 here
    assertEquals(Math.log1p(Math.E), first.get("loss").asDouble(), 1e-5);
    assertTrue(Files.isRegularFile(run.resolve("final/model.safetensors")), "trained model written");

    // the plug-in's config record is validated as strictly as a built-in's
    Path misspelt = tmp.resolve("misspelt.json");
    Files.writeString(misspelt, Files.readString(EXAMPLE.resolve("config.json"))
        .replace("\"offset\": 1.0", "\"ofset\": 1.0")
        .replace("../../", Processes.ROOT + "/"));
    Processes bad = Processes.run(EXAMPLE, Map.of("ALIGN4J_CLASSPATH", jar.toString()), 120,
        List.of(launcher, "run", misspelt.toString(), "--out", tmp.resolve("bad").toString()));
    assertEquals(2, bad.exitCode(), bad.output());
    assertTrue(bad.output().contains("misspelt.json:4: field 'loss.ofset'"), bad.output());
    assertFalse(Files.exists(tmp.resolve("bad")), "nothing written");
  }
}
