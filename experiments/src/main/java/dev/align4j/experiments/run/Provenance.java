package dev.align4j.experiments.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code provenance.json}: what is needed to reproduce a run.
 *
 * @param experiment the experiment's registered name
 * @param configSha256 SHA-256 of the resolved config JSON
 * @param dataSha256 SHA-256 of each data file the run read (file name → hash)
 * @param seed the run's seed
 * @param versions align4j, Java, DJL, engine and key dependency versions
 * @param gitCommit HEAD of the repository the code ran from, when there is one ({@code "unknown"} otherwise)
 * @param machine OS, architecture, CPU count, max heap
 * @param start when the run started, ISO-8601
 * @param end when it finished, ISO-8601; {@code "running"} until then
 * @param overrides the command-line {@code key=value} overrides applied to the config file, in order (the resolved
 *     config.json already holds their values)
 * @param resumed when each {@code --resume} of the run started, ISO-8601, with the checkpoint it continued from
 */
public record Provenance(
    @JsonProperty("experiment") String experiment,
    @JsonProperty("config_sha256") String configSha256,
    @JsonProperty("data_sha256") Map<String, String> dataSha256,
    @JsonProperty("seed") long seed,
    @JsonProperty("versions") Map<String, String> versions,
    @JsonProperty("git_commit") String gitCommit,
    @JsonProperty("machine") Map<String, String> machine,
    @JsonProperty("start") String start,
    @JsonProperty("end") String end,
    @JsonProperty("overrides") List<String> overrides,
    @JsonProperty("resumed") List<String> resumed) {

  public Provenance {
    dataSha256 = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dataSha256));
    versions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    machine = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(machine));
    overrides = List.copyOf(overrides == null ? List.of() : overrides);
    resumed = List.copyOf(resumed == null ? List.of() : resumed);
  }

  /** Provenance at the start of a run. */
  public static Provenance start(String experiment, String configJson, List<Path> dataFiles, long seed,
      List<String> overrides) {
    return new Provenance(experiment, sha256(configJson.getBytes(StandardCharsets.UTF_8)), hashes(dataFiles), seed,
        currentVersions(), currentGitCommit().orElse("unknown"), currentMachine(), Instant.now().toString(), "running",
        overrides, List.of());
  }

  /** File name → SHA-256 of each data file. */
  public static Map<String, String> hashes(List<Path> dataFiles) {
    Map<String, String> data = new LinkedHashMap<>();
    for (Path f : dataFiles) {
      data.put(f.getFileName().toString(), sha256(f));
    }
    return data;
  }

  /** The same record with its end time set to now. */
  public Provenance finished() {
    return new Provenance(experiment, configSha256, dataSha256, seed, versions, gitCommit, machine, start,
        Instant.now().toString(), overrides, resumed);
  }

  /** The same record, running again since now (from {@code checkpoint}). */
  public Provenance resumedNow(String checkpoint) {
    List<String> all = new java.util.ArrayList<>(resumed);
    all.add(Instant.now() + " from " + checkpoint);
    return new Provenance(experiment, configSha256, dataSha256, seed, versions, gitCommit, machine, start,
        "running", overrides, all);
  }

  /** SHA-256 (hex) of a file's bytes. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 (hex) of bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> currentVersions() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("align4j", implementationVersion(Provenance.class, "dev"));
    v.put("java", System.getProperty("java.version"));
    v.put("djl", implementationVersion(ai.djl.engine.Engine.class, "0.35.1"));
    try {
      ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
      v.put("engine", engine.getEngineName() + " " + engine.getVersion());
    } catch (RuntimeException e) {
      v.put("engine", "unavailable: " + e.getMessage());
    }
    v.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
    return v;
  }

  private static String implementationVersion(Class<?> c, String fallback) {
    String s = c.getPackage().getImplementationVersion();
    return s == null ? fallback : s;
  }

  private static Map<String, String> currentMachine() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("arch", System.getProperty("os.arch"));
    m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("max_heap_mib", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
    m.put("jvm", ManagementFactory.getRuntimeMXBean().getVmName());
    return m;
  }

  /** {@code git rev-parse HEAD} in {@code align4j.home} (or the working directory); empty when not a repo. */
  static Optional<String> currentGitCommit() {
    String home = System.getProperty("align4j.home", ".");
    try {
      Process p = new ProcessBuilder("git", "-C", home, "rev-parse", "HEAD").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40}")) {
        return Optional.of(out);
      }
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }
}
