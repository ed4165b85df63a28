package dev.align4j.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.Jsonl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The benchmarks' PyTorch peers: a script shipped under {@code /dev/align4j/app/bench/}, run by Debian's python3
 * in a process of its own with the OpenBLAS pins removed from its environment, printing its result as a JSON line.
 */
final class PeerScript {
  /** How to install the peer's PyTorch on Debian. */
  static final String INSTALL_HINT = "apt-get install -y python3-torch libopenblas0-pthread";
  /** Removed from the peer's environment: they pin OpenBLAS to older kernels on this CPU. */
  static final List<String> PEER_ENV_REMOVED = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

  private PeerScript() {}

  /**
   * Runs the shipped {@code script} with {@code args} as its one argument and {@code threads} OpenMP threads;
   * empty (with a hint on stderr) when {@code python} is missing or the script fails.
   *
   * @param bench the bench's name for messages ("policy", "dpo-step")
   * @param extraEnv set in the peer's environment besides {@code OMP_NUM_THREADS}
   */
  static Optional<JsonNode> run(String bench, String python, String script, ObjectNode args, int threads,
      Map<String, String> extraEnv) throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(python))) {
      System.err.println("bench " + bench + ": peer skipped: " + python + " not found; install with: " + INSTALL_HINT);
      return Optional.empty();
    }
    Path file = Files.createTempFile("align4j-" + bench + "-peer", ".py");
    try {
      try (InputStream in = PeerScript.class.getResourceAsStream("/dev/align4j/app/bench/" + script)) {
        Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      ProcessBuilder pb = new ProcessBuilder(python, file.toString(), args.toString());
      PEER_ENV_REMOVED.forEach(pb.environment()::remove);
      pb.environment().putAll(extraEnv);
      pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
      Optional<JsonNode> r = lastJsonLine(pb, "bench " + bench + ": peer");
      if (r.isEmpty()) {
        System.err.println("bench " + bench + ": peer failed; is torch installed? " + INSTALL_HINT);
      }
      return r;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Runs to completion (stderr passed through); the last stdout line as JSON, empty on failure. */
  static Optional<JsonNode> lastJsonLine(ProcessBuilder pb, String who) throws IOException, InterruptedException {
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0 || stdout.isEmpty()) {
      System.err.println(who + " exited with " + (p.isAlive() ? "timeout" : p.exitValue()));
      return Optional.empty();
    }
    String[] lines = stdout.split("\n");
    return Optional.of(Jsonl.MAPPER.readTree(lines[lines.length - 1]));
  }
}
