package dev.align4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of the README is compiled and run by a test in a package outside {@code dev.align4j}
 * (the package {@code readme} of the module it belongs to), and says so: the block's lines appear, in order, in
 * that test's source. Editing the README without the test (or the other way round) fails here.
 */
class ReadmeSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final List<Path> TESTS = List.of(
      Processes.ROOT.resolve("losses/src/test/java/readme/ReadmeLossExampleTest.java"),
      Processes.ROOT.resolve("experiments/src/test/java/readme/MyDpo.java"));

  @Test
  void eachJavaBlockOfTheReadmeIsInOneReadmeTestLineByLine() throws Exception {
    String readme = Files.readString(Processes.ROOT.resolve("README.md"));
    List<String> blocks = new ArrayList<>();
    for (Matcher m = JAVA_BLOCK.matcher(readme); m.find(); ) {
      blocks.add(m.group(1));
    }
    assertEquals(TESTS.size(), blocks.size(), "one readme test per java block of the README");
    for (String block : blocks) {
      List<String> lines = block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      boolean found = false;
      for (Path test : TESTS) {
        assertTrue(Files.readString(test).startsWith("package readme;"), test + " is outside dev.align4j");
        List<String> source = Files.readAllLines(test).stream().map(String::strip).toList();
        if (containsInOrder(source, lines)) {
          found = true;
        }
      }
      assertTrue(found, "README block not found line by line in any of " + TESTS + ":\n" + block);
    }
  }

  private static boolean containsInOrder(List<String> source, List<String> lines) {
    int at = 0;
    for (String line : lines) {
      int i = source.subList(at, source.size()).indexOf(line);
      if (i < 0) {
        return false;
      }
      at += i + 1;
    }
    return true;
  }
}
