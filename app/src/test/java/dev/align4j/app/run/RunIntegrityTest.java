package dev.align4j.app.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.app.Cli;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.run.CheckpointStore;
import dev.align4j.experiments.run.RunLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Run directories survive faults without losing or faking data: each fault of the issue is injected into a copy of
 * one interrupted run (sft on the tiny model, checkpoints at updates 2 and 3 of 4) and {@code --resume} must refuse
 * it with exit code 2 naming the file, leaving the run as it was; the untouched copy resumes to the same result as an
 * uninterrupted run. Fresh runs create their directory only after the config and data validate, and a run that
 * fails before its first update leaves none behind.
 */
class RunIntegrityTest {
  @TempDir static Path shared;
  static Path config;
  static Path data;
  /** The uninterrupted run. */
  static Path whole;
  /** The same run stopped after update 3 (checkpoints step-2 and step-3, three metrics lines). */
  static Path base;

  @TempDir Path dir;

  @BeforeAll
  static void runs() throws Exception {
    data = Files.copy(Path.of("../configs/data/arith-sft.jsonl"), shared.resolve("arith-sft.jsonl"));
    config = Files.writeString(shared.resolve("sft.json"), Files.readString(Path.of("../configs/sft-tiny.json"))
        .replace("\"../models/tiny-arith\"", "\"" + Path.of("../models/tiny-arith").toAbsolutePath().normalize() + "\"")
        .replace("\"data/arith-sft.jsonl\"", "\"" + data + "\""));
    whole = shared.resolve("whole");
    Cli w = Cli.run("run", config.toString(), "training.save_steps=1", "--out", whole.toString());
    assertEquals(0, w.exitCode(), w.err());
    base = shared.resolve("base");
    Cli b = Cli.run("run", config.toString(), "training.save_steps=1", "--out", base.toString(), "--stop-at-step", "3");
    assertEquals(0, b.exitCode(), b.err());
  }

  /** A copy of the interrupted run with {@code fault} applied to it. */
  private Path copyOfBase(Consumer<Path> fault) throws IOException {
    Path copy = Files.createTempDirectory(dir, "run");
    try (Stream<Path> s = Files.walk(base)) {
      for (Path p : s.toList()) {
        Path to = copy.resolve(base.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to); // the copy's root exists already
        } else {
          Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    fault.accept(copy);
    return copy;
  }

  private static void io(IoAction a) {
    try {
      a.run();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  private static Path step(Path run, int k) {
    return run.resolve(String.format("checkpoints/step-%08d", k));
  }

  private static void flipByte(Path file, int at) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[at] ^= 0x10;
    Files.write(file, b);
  }

  private static void assertRefused(Path run, String expected) throws IOException {
    List<String> metricsBefore = Files.exists(run.resolve("metrics.jsonl"))
        ? Files.readAllLines(run.resolve("metrics.jsonl")) : List.of();
    Cli r = Cli.run("run", "--resume", run.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    assertFalse(Files.exists(run.resolve("final")), "nothing ran");
    if (!metricsBefore.isEmpty()) {
      assertEquals(metricsBefore, Files.readAllLines(run.resolve("metrics.jsonl")), "the log is left as it was");
    }
  }

  private static void assertSameAsWhole(Path run) throws IOException {
    assertEquals(Files.readAllLines(whole.resolve("metrics.jsonl")), Files.readAllLines(run.resolve("metrics.jsonl")));
    assertArrayEquals(Files.readAllBytes(whole.resolve("final/model.safetensors")),
        Files.readAllBytes(run.resolve("final/model.safetensors")));
  }

  @Test
  void theUntouchedRunResumesToTheUninterruptedResultAndRecordsItsOverrides() throws Exception {
    Path run = copyOfBase(p -> { });
    JsonNode provenance = Jsonl.MAPPER.readTree(run.resolve("provenance.json").toFile());
    assertEquals("[\"training.save_steps=1\"]", provenance.get("overrides").toString());
    assertEquals(1, Jsonl.MAPPER.readTree(run.resolve("config.json").toFile()).path("training").path("save_steps")
        .asInt(), "the run's config.json holds the overridden value");
    Cli r = Cli.run("run", "--resume", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertSameAsWhole(run);
    provenance = Jsonl.MAPPER.readTree(run.resolve("provenance.json").toFile());
    assertEquals(1, provenance.get("resumed").size());
    assertTrue(provenance.get("resumed").get(0).asText().endsWith(" from step-00000003"), provenance.toString());
  }

  @Test
  void flippedBytesInTheWeightsAreRefused() throws Exception {
    assertRefused(copyOfBase(run -> io(() -> flipByte(step(run, 3).resolve("model.safetensors"), 5000))),
        "step-00000003/model.safetensors: does not match checkpoint step-00000003's manifest");
  }

  @Test
  void anOptimizerStateFromAnotherStepIsRefused() throws Exception {
    assertRefused(copyOfBase(run -> io(() -> Files.copy(step(run, 2).resolve("optimizer.bin"),
        step(run, 3).resolve("optimizer.bin"), StandardCopyOption.REPLACE_EXISTING))),
        "step-00000003/optimizer.bin: does not match checkpoint step-00000003's manifest");
  }

  @ParameterizedTest
  @ValueSource(strings = {"optimizer.bin", "trainer_state.json", "model.safetensors"})
  void truncatedOrEmptiedCheckpointFilesAreRefusedNamingTheFile(String name) throws Exception {
    assertRefused(copyOfBase(run -> io(() -> {
      Path f = step(run, 3).resolve(name);
      Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), name.equals("optimizer.bin") ? 0 : 40));
    })), "step-00000003/" + name + ": does not match");
  }

  @Test
  void aMissingFileOrManifestIsRefused() throws Exception {
    assertRefused(copyOfBase(run -> io(() -> Files.delete(step(run, 3).resolve("model.safetensors")))),
        "step-00000003/model.safetensors: missing from checkpoint step-00000003");
    assertRefused(copyOfBase(run -> io(() -> Files.delete(step(run, 3).resolve(CheckpointStore.MANIFEST_FILE)))),
        "step-00000003/manifest.json: missing");
  }

  @Test
  void aTruncatedDeletedOrEditedMetricsLogIsRefusedNotMerged() throws Exception {
    assertRefused(copyOfBase(run -> io(() -> Files.write(run.resolve("metrics.jsonl"),
        Files.readAllLines(run.resolve("metrics.jsonl")).subList(0, 2)))),
        "metrics.jsonl: holds 2 complete lines but the checkpoint recorded 3");
    assertRefused(copyOfBase(run -> io(() -> Files.delete(run.resolve("metrics.jsonl")))),
        "metrics.jsonl: holds 0 complete lines but the checkpoint recorded 3");
    assertRefused(copyOfBase(run -> io(() -> Files.writeString(run.resolve("metrics.jsonl"),
        Files.readString(run.resolve("metrics.jsonl")).replace("\"step\":2,", "\"step\":2.0,")))),
        "metrics.jsonl: its first 3 lines do not match the checkpoint");
  }

  @Test
  void aLineHalfWrittenAfterTheLastCheckpointIsDroppedAndWrittenAgain() throws Exception {
    // what a kill during an append leaves: the resumed run cuts it and logs update 4 again
    Path run = copyOfBase(run1 -> io(() -> Files.writeString(run1.resolve("metrics.jsonl"), "{\"step\":4,\"ep",
        java.nio.file.StandardOpenOption.APPEND)));
    Cli r = Cli.run("run", "--resume", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertSameAsWhole(run);
  }

  @Test
  void anEditedConfigOrChangedDataIsRefused() throws Exception {
    assertRefused(copyOfBase(run -> io(() -> Files.writeString(run.resolve("config.json"),
        Files.readString(run.resolve("config.json")).replace("\"seed\" : 42", "\"seed\" : 43")))),
        "config.json: was edited after the run started");
    byte[] original = Files.readAllBytes(data);
    try {
      Files.writeString(data, "{\"prompt\": \"1+1=\", \"completion\": \"2\"}\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      assertRefused(copyOfBase(run -> { }), "data file arith-sft.jsonl changed since the run started");
    } finally {
      Files.write(data, original);
    }
  }

  @Test
  void staleTemporariesAreRemovedOnResume() throws Exception {
    Path run = copyOfBase(r -> io(() -> {
      Path partial = Files.createDirectories(r.resolve("checkpoints/.tmp-step-00000004-3kq9z"));
      Files.write(partial.resolve("model.safetensors"), new byte[] {1, 2, 3});
      Files.createDirectories(r.resolve(".tmp-final-x81"));
      Files.writeString(r.resolve(".provenance.json.5m1.tmp"), "{");
    }));
    Cli r = Cli.run("run", "--resume", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("removed 3 temporary file(s) left by an interrupted write"), r.err());
    try (Stream<Path> s = Stream.concat(Files.list(run), Files.list(run.resolve("checkpoints")))) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.contains("tmp")).toList());
    }
    assertSameAsWhole(run);
  }

  @Test
  void aSecondRunOfALockedDirectoryIsRefusedNamingTheHolder() throws Exception {
    Path run = copyOfBase(r -> { });
    try (RunLock held = RunLock.acquire(run)) {
      assertRefused(run, run + ": in use by another run (pid " + ProcessHandle.current().pid() + " on ");
    }
    // another process holding the OS lock (python's fcntl locks are the same POSIX locks as the JVM's)
    Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
        + "f = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        + "f.seek(0); f.truncate(); f.write('pid 4242 on elsewhere since then'); f.flush()\n"
        + "print('locked', flush=True)\ntime.sleep(60)\n", run.resolve(RunLock.FILE).toString())
        .redirectErrorStream(true).start();
    try {
      String first = new String(holder.getInputStream().readNBytes(7), StandardCharsets.UTF_8);
      org.junit.jupiter.api.Assumptions.assumeTrue(first.equals("locked\n"), "python3 with fcntl: " + first);
      assertRefused(run, run + ": in use by another run (pid 4242 on elsewhere since then)");
    } finally {
      holder.destroyForcibly().waitFor();
    }
    Cli r = Cli.run("run", "--resume", run.toString());
    assertEquals(0, r.exitCode(), "a lock dies with its holder: " + r.err());
  }

  @Test
  void aMissingTrainFileIsExit2NamingTheConfigFieldAndCreatesNothing() throws Exception {
    Path missing = dir.resolve("nope.jsonl");
    Path out = dir.resolve("out");
    Cli r = Cli.run("run", config.toString(), "train_file=" + missing, "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j run: override 'train_file=" + missing + "': field 'train_file': train_file names " + missing
        + ", which does not exist", r.err().strip());
    assertFalse(Files.exists(out));

    Path inFile = Files.writeString(dir.resolve("cfg.json"), Files.readString(config)
        .replace(data.toString(), missing.toString()));
    r = Cli.run("run", inFile.toString(), "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("align4j run: " + inFile + ":4: field 'train_file': train_file names " + missing),
        r.err());
    assertFalse(Files.exists(out));

    Path file = Files.writeString(dir.resolve("a-file"), "x");
    r = Cli.run("run", config.toString(), "--out", file.resolve("run").toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("align4j run: --out: cannot create " + file.resolve("run") + ": " + file + " is not a directory",
        r.err().strip());
  }

  @Test
  void aRunThatFailsBeforeItsFirstUpdateLeavesNoDirectoryAndTheSameOutWorksLater() throws Exception {
    Path out = dir.resolve("out");
    // max_length 3 keeps no completion token of any example: refused after the model is loaded
    Cli r = Cli.run("run", config.toString(), "max_length=3", "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("no example keeps a completion token within max_length 3"), r.err());
    assertFalse(Files.exists(out), "the run directory of a run that never started is removed");

    // what a kill before the first update leaves (config and provenance only) does not block the same --out
    Files.createDirectories(out);
    Files.writeString(out.resolve("config.json"), "{}");
    Files.writeString(out.resolve("provenance.json"), "{}");
    r = Cli.run("run", config.toString(), "--out", out.toString(), "--stop-at-step", "1");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size());

    // a run that made updates is never overwritten
    r = Cli.run("run", config.toString(), "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--out: " + out + " exists and is not empty (continue it with --resume"), r.err());
  }

  @Test
  void overridesAreRefusedOnResume() throws Exception {
    Path run = copyOfBase(r -> { });
    Cli r = Cli.run("run", "--resume", run.toString(), "training.learning_rate=1e-6");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--resume: a resumed run keeps the config it started with"), r.err());
  }

  /**
   * A real disk-full failure: the run directory on a 10 MiB tmpfs (root only; skipped elsewhere), where the third
   * checkpoint (3.8 MB each, two kept) cannot be written. The run exits 1 naming the OS cause and leaves no partial
   * checkpoint; once there is space, {@code --resume} continues to the uninterrupted result.
   */
  @Test
  @Timeout(120)
  void aFullDiskIsReportedLeavesNoPartialCheckpointAndTheRunResumesLater() throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk"));
    Assumptions.assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=10m", "tmpfs", disk.toString()) == 0,
        "mounting a tmpfs needs root");
    try {
      Path run = disk.resolve("run");
      Cli r = Cli.run("run", config.toString(), "training.save_steps=1", "--out", run.toString());
      assertEquals(1, r.exitCode(), r.err());
      assertTrue(r.err().contains("No space left on device"), r.err());
      try (Stream<Path> all = Files.walk(run)) {
        assertEquals(List.of(), all.map(p -> run.relativize(p).toString()).filter(n -> n.contains(".tmp")).toList(),
            "no temporary is left");
      }
      Path latest = new CheckpointStore(run.resolve("checkpoints"), 1).latest().orElseThrow();
      assertEquals("step-00000002", latest.getFileName().toString());
      CheckpointStore.verify(latest);

      assertEquals(0, sh("mount", "-o", "remount,size=64m", disk.toString()));
      Cli resumed = Cli.run("run", "--resume", run.toString());
      assertEquals(0, resumed.exitCode(), resumed.err());
      assertSameAsWhole(run);
    } finally {
      // weights are read through memory maps, released when the buffers are collected: until then the mount is busy
      for (int i = 0; i < 10 && sh("umount", disk.toString()) != 0; i++) {
        System.gc();
        Thread.sleep(200);
      }
      sh("umount", "-l", disk.toString()); // never leave a mount behind, even if still busy
    }
  }

  private static int sh(String... command) throws Exception {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * {@code kill -9} of a child JVM while it writes a checkpoint: the half-written {@code .tmp-step-*} folder is
   * removed on {@code --resume}, which continues from the previous checkpoint to a byte-identical result.
   */
  @Test
  @Timeout(300)
  void killedDuringACheckpointWriteAndResumedIsByteIdentical() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int attempt = 1; attempt <= 3; attempt++) {
      Path run = dir.resolve("killed-" + attempt);
      Process child = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Xmx1g",
          "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
          "dev.align4j.app.cli.Main", "run", config.toString(), "training.save_steps=1", "--out", run.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Path checkpoints = run.resolve("checkpoints");
      boolean killed = false;
      while (child.isAlive() && !killed) {
        if (Files.isDirectory(checkpoints)) {
          try (Stream<Path> s = Files.list(checkpoints)) {
            killed = s.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-step-00000003-"));
          } catch (IOException raced) {
            // the folder changed while listed: look again
          }
        }
        if (killed) {
          child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        } else {
          Thread.sleep(1);
        }
      }
      child.waitFor();
      List<String> left;
      try (Stream<Path> s = Files.list(checkpoints)) {
        left = s.map(p -> p.getFileName().toString()).sorted().toList();
      }
      if (!killed || !left.stream().anyMatch(n -> n.startsWith(".tmp-step-00000003-"))) {
        continue; // the write finished before the kill landed: try again
      }
      Cli resumed = Cli.run("run", "--resume", run.toString());
      assertEquals(0, resumed.exitCode(), resumed.err());
      assertTrue(resumed.err().contains("removed 1 temporary file(s)"), resumed.err());
      assertTrue(resumed.err().contains("from step-00000002"), resumed.err());
      assertSameAsWhole(run);
      return;
    }
    org.junit.jupiter.api.Assertions.fail("no kill landed inside a checkpoint write in 3 attempts");
  }
}
