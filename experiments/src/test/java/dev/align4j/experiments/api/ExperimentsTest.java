package dev.align4j.experiments.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExperimentsTest {
  @Test
  void serviceLoaderFindsEveryShippedExperiment() {
    assertEquals(List.of("cdr", "dpo", "grpo", "sft", "simpo"), Experiments.names());
    for (Experiment<?> e : Experiments.all()) {
      assertTrue(e.configType().isRecord(), e.name() + " has a record config");
    }
  }

  @Test
  void everyShippedConfigBindsToItsExperiment() throws IOException {
    List<Path> configs;
    try (Stream<Path> s = Files.list(Path.of("../configs"))) {
      configs = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(configs.size() >= 10, "full-size and tiny configs are shipped: " + configs);
    for (Path c : configs) {
      ConfigFiles.Bound<?> bound = ConfigFiles.read(c);
      String name = c.getFileName().toString();
      assertTrue(name.startsWith(bound.experiment().name()) || name.startsWith("tulu-" + bound.experiment().name()),
          name + " is a config of " + bound.experiment().name());
    }
  }
}
