package dev.align4j.experiments.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.BadInputException;
import dev.align4j.core.RegistryTypeResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads experiment configs: a JSON object whose {@code "experiment"} field names a registered {@link Experiment}
 * and whose other fields bind to that experiment's config record. Every field is required, unknown fields are
 * errors, and relative paths are resolved against the config file's directory. Errors are
 * {@link BadInputException}s naming the file, line and field (dotted path, e.g. {@code training.learning_rate}).
 */
public final class ConfigFiles {
  /** The field that names the experiment. */
  public static final String EXPERIMENT_FIELD = "experiment";

  private static final Pattern MISSING = Pattern.compile("Missing (?:required )?creator property '([^']+)'");
  private static final Pattern FIRST_WORD = Pattern.compile("^([a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)*) ");

  private ConfigFiles() {}

  /** An experiment with its validated config. */
  public record Bound<C extends Record>(Experiment<C> experiment, C config) {
    /** The resolved config as JSON, with its {@code "experiment"} field first. */
    public ObjectNode toJson() {
      ObjectNode node = mapper(Path.of(".")).createObjectNode();
      node.put(EXPERIMENT_FIELD, experiment.name());
      node.setAll((ObjectNode) mapper(Path.of(".")).valueToTree(config));
      return node;
    }

    /** Pretty-printed {@link #toJson()}. */
    public String toJsonString() {
      try {
        return mapper(Path.of(".")).writeValueAsString(toJson());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Reads and validates {@code file}. */
  public static Bound<?> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file, 0, null, "no such config file");
    }
    ObjectMapper mapper = mapper(file.toAbsolutePath().getParent());
    JsonNode root;
    try {
      root = mapper.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new BadInputException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
          "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInputException(file, 0, null, "cannot read: " + e.getMessage(), e);
    }
    if (!(root instanceof ObjectNode obj)) {
      throw new BadInputException(file, 1, null, "a config must be a JSON object");
    }
    JsonNode name = obj.remove(EXPERIMENT_FIELD);
    if (name == null || !name.isTextual()) {
      throw new BadInputException(file, 1, EXPERIMENT_FIELD,
          "required: the experiment's name, one of " + Experiments.names());
    }
    Experiment<?> experiment = Experiments.find(name.asText()).orElseThrow(() -> new BadInputException(file,
        lineOf(file, "\"" + EXPERIMENT_FIELD + "\""), EXPERIMENT_FIELD,
        "unknown experiment '" + name.asText() + "', known: " + Experiments.names()));
    rejectUnknownFields(file, obj, experiment.configType(), "");
    return bind(file, mapper, experiment);
  }

  /**
   * Fails on the first field that is not a component of the record (recursing into record-typed components), so
   * that a misspelt field is reported as unknown rather than as the correctly spelt one being missing.
   */
  private static void rejectUnknownFields(Path file, JsonNode node, Class<?> type, String path) {
    if (!node.isObject()) {
      return;
    }
    if (!type.isRecord()) {
      // a plug-in point ({"type": name, ...}): check the fields against the record its registry names
      Class<?> bound = pluginConfigType(type, node);
      if (bound == null) {
        return;
      }
      ObjectNode rest = ((ObjectNode) node).deepCopy();
      rest.remove("type");
      rejectUnknownFields(file, rest, bound, path);
      return;
    }
    java.util.Map<String, Class<?>> components = new java.util.LinkedHashMap<>();
    for (var c : type.getRecordComponents()) {
      // @JsonProperty on a record component reaches its accessor
      var json = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      components.put(json != null ? json.value() : c.getName(), c.getType());
    }
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      String where = join(path, f);
      if (!components.containsKey(f)) {
        throw new BadInputException(file, lineOf(file, "\"" + f + "\""), where,
            "unknown field (allowed: " + String.join(", ", new java.util.TreeSet<>(components.keySet())) + ")");
      }
      rejectUnknownFields(file, node.get(f), components.get(f), where);
    }
  }

  /**
   * The config record a registry-typed interface binds {@code node} to (its {@code "type"} looked up through the
   * interface's {@link RegistryTypeResolver}), or null when that is not known here (Jackson then reports it).
   */
  private static Class<?> pluginConfigType(Class<?> type, JsonNode node) {
    var resolver = type.getAnnotation(com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver.class);
    JsonNode name = node.get("type");
    if (resolver == null || name == null || !name.isTextual()
        || !RegistryTypeResolver.class.isAssignableFrom(resolver.value())) {
      return null;
    }
    try {
      var r = (RegistryTypeResolver<?>) resolver.value().getDeclaredConstructor().newInstance();
      return r.configType(name.asText()).orElse(null);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static <C extends Record> Bound<C> bind(
      Path file, ObjectMapper mapper, Experiment<C> experiment) {
    try {
      // bind the text (not the tree) so that errors carry line numbers
      C config = mapper.readerFor(experiment.configType()).readValue(stripExperiment(file));
      return new Bound<>(experiment, config);
    } catch (JsonMappingException e) {
      throw translate(file, e);
    } catch (IOException e) {
      throw new BadInputException(file, 0, null, "cannot read: " + e.getMessage(), e);
    }
  }

  /** The file's text with the experiment field blanked out (same length, so line numbers stay right). */
  private static String stripExperiment(Path file) throws IOException {
    String text = Files.readString(file);
    Matcher m = Pattern.compile("\"" + EXPERIMENT_FIELD + "\"\\s*:\\s*\"[^\"]*\"\\s*,?").matcher(text);
    if (m.find()) {
      return text.substring(0, m.start()) + " ".repeat(m.end() - m.start()) + text.substring(m.end());
    }
    return text;
  }

  private static BadInputException translate(Path file, JsonMappingException e) {
    int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    String path = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    if (e instanceof UnrecognizedPropertyException u) {
      String allowed = u.getKnownPropertyIds() == null ? "" : " (allowed: " + u.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
      return new BadInputException(file, line, path, "unknown field" + allowed);
    }
    if (e instanceof ValueInstantiationException && e.getCause() != null) {
      String msg = e.getCause().getMessage();
      Matcher m = FIRST_WORD.matcher(msg == null ? "" : msg);
      String field = m.find() ? join(path, m.group(1)) : path;
      return new BadInputException(file, line, field.isEmpty() ? null : field, msg);
    }
    Matcher missing = MISSING.matcher(e.getOriginalMessage());
    if (missing.find()) {
      String field = path.equals(missing.group(1)) || path.endsWith("." + missing.group(1))
          ? path : join(path, missing.group(1));
      return new BadInputException(file, line, field, "missing (every field is required)");
    }
    return new BadInputException(file, line, path.isEmpty() ? null : path, e.getOriginalMessage());
  }

  private static String join(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
  }

  private static int lineOf(Path file, String needle) {
    try {
      var lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(needle)) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  /** The config mapper: strict, pretty-printing, with paths resolved against {@code baseDir}. */
  public static ObjectMapper mapper(Path baseDir) {
    SimpleModule paths = new SimpleModule("align4j-paths");
    paths.addDeserializer(Path.class, new JsonDeserializer<>() {
      @Override
      public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String s = p.getValueAsString();
        if (s == null || s.isBlank()) {
          throw ctxt.weirdStringException(s, Path.class, "a path must be a non-empty string");
        }
        return baseDir.resolve(s).normalize();
      }
    });
    paths.addSerializer(Path.class, new JsonSerializer<>() {
      @Override
      public void serialize(Path value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(value.toString());
      }
    });
    return new ObjectMapper()
        .registerModule(paths)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(SerializationFeature.INDENT_OUTPUT);
  }
}
