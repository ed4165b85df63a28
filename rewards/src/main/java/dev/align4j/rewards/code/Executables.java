package dev.align4j.rewards.code;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Finds system tools ({@code setsid}, {@code unshare}, {@code bwrap}, {@code sh}) once, on PATH or in the system dirs. */
final class Executables {
  private static final Map<String, Optional<Path>> FOUND = new ConcurrentHashMap<>();

  private Executables() {}

  static Path require(String name) {
    return find(name).orElseThrow(() -> new IllegalStateException(
        "'" + name + "' not found on PATH or in the system directories; the sandbox needs it"));
  }

  static Optional<Path> find(String name) {
    return FOUND.computeIfAbsent(name, Executables::search);
  }

  private static Optional<Path> search(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    for (String d : dirs) {
      if (!d.isEmpty()) {
        Path p = Path.of(d, name);
        if (Files.isExecutable(p) && !Files.isDirectory(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
