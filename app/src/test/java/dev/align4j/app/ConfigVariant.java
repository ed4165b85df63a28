package dev.align4j.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A shipped config with some fields changed, written into a test's folder (test helper): dotted keys
 * ({@code rollout.num_iterations}) are set to the given JSON values, and {@code model} / {@code train_file} are
 * resolved against the shipped config's folder unless overridden.
 */
public final class ConfigVariant {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ConfigVariant() {}

  /**
   * Writes {@code dir/name} from {@code ../configs/<source>} (tests run in the app module) with {@code changes}
   * applied; returns its path.
   */
  public static Path write(String source, Path dir, String name, Map<String, Object> changes) throws IOException {
    Path from = Path.of("..", "configs", source);
    ObjectNode root = (ObjectNode) JSON.readTree(from.toFile());
    for (String field : new String[] {"model", "train_file"}) {
      root.put(field, from.toAbsolutePath().getParent().resolve(root.get(field).asText()).normalize().toString());
    }
    changes.forEach((key, value) -> {
      String[] parts = key.split("\\.");
      ObjectNode node = root;
      for (int i = 0; i < parts.length - 1; i++) {
        node = (ObjectNode) node.get(parts[i]);
      }
      node.set(parts[parts.length - 1], JSON.valueToTree(value));
    });
    Path out = dir.resolve(name);
    JSON.writeValue(out.toFile(), (JsonNode) root);
    return out;
  }
}
