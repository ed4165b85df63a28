package dev.align4j.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output paths are checked before the work starts; an uncommitted output leaves nothing behind. */
class AtomicOutputTest {
  @TempDir Path dir;

  @Test
  void aDirectoryOrAPathUnderAFileIsRefusedNamingTheOption() throws Exception {
    BadInputException isDir = assertThrows(BadInputException.class, () -> AtomicOutput.checkTarget(dir, "--output"));
    assertEquals("--output", isDir.field());
    assertEquals("--output: " + dir + " is a directory; name a file", isDir.getMessage());

    Path file = Files.writeString(dir.resolve("file.txt"), "x");
    BadInputException underFile = assertThrows(BadInputException.class,
        () -> AtomicOutput.checkTarget(file.resolve("sub/out.jsonl"), "--output"));
    assertTrue(underFile.getMessage().contains(file + " is not a directory"), underFile.getMessage());
  }

  @Test
  void aNewFileInFoldersStillToBeCreatedIsFine() {
    assertDoesNotThrow(() -> AtomicOutput.checkTarget(dir.resolve("a/b/out.jsonl"), "--output"));
  }

  @Test
  void closingWithoutCommitLeavesNoFile() throws Exception {
    Path target = dir.resolve("out.jsonl");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      out.write("half");
    }
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
