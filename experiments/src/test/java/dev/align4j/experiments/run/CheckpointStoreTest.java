package dev.align4j.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.BadInputException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints are complete or absent, carry a manifest written last, and a failed write reports its OS cause. */
class CheckpointStoreTest {
  @TempDir Path dir;

  private static TrainerState state(long step) {
    return new TrainerState(step, 10, 7, step, MetricsLog.EMPTY_SHA256, 0);
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aWriteFailureReportsItsCauseAndLeavesNoPartialCheckpoint() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Path first = store.save(state(1), d -> Files.write(d.resolve("model.safetensors"), new byte[] {1, 2, 3}));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.save(state(2), d -> {
      Files.write(d.resolve("model.safetensors"), new byte[1000]); // half of the checkpoint is on disk ...
      throw new FileSystemException(d.resolve("optimizer.bin").toString(), null, "No space left on device");
    }));
    assertTrue(e.getMessage().endsWith("step-00000002: No space left on device"), e.getMessage());
    assertEquals(List.of("step-00000001"), names(dir), "... and is gone, no .tmp- folder either");
    assertEquals(first, store.latest().orElseThrow());
    CheckpointStore.verify(first);
  }

  @Test
  void theManifestListsEveryFileAndCatchesAnyChange() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Path cp = store.save(state(3), d -> {
      Files.write(d.resolve("model.safetensors"), new byte[] {1, 2, 3});
      Files.createDirectories(d.resolve("sub"));
      Files.writeString(d.resolve("sub/extra.txt"), "x");
    });
    assertEquals(List.of("manifest.json", "model.safetensors", "sub", "trainer_state.json"), names(cp));
    String manifest = Files.readString(cp.resolve(CheckpointStore.MANIFEST_FILE));
    for (String f : List.of("model.safetensors", "sub/extra.txt", "trainer_state.json")) {
      assertTrue(manifest.contains("\"" + f + "\""), manifest);
    }
    CheckpointStore.verify(cp);
    assertEquals(3, CheckpointStore.readState(cp).step());

    Files.writeString(cp.resolve("sub/extra.txt"), "y");
    BadInputException e = assertThrows(BadInputException.class, () -> CheckpointStore.verify(cp));
    assertEquals(cp.resolve("sub/extra.txt"), e.file());
  }

  @Test
  void onlyTheNewestCheckpointsAreKeptAndStaleTemporariesAreRemoved() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    for (int s = 1; s <= 3; s++) {
      store.save(state(s), d -> Files.write(d.resolve("model.safetensors"), new byte[] {1}));
    }
    Files.createDirectories(dir.resolve(".tmp-step-00000004-abc"));
    assertEquals(List.of(".tmp-step-00000004-abc", "step-00000002", "step-00000003"), names(dir));
    assertEquals(1, store.removeStale());
    assertEquals(List.of("step-00000002", "step-00000003"), names(dir));
  }
}
