package dev.align4j.experiments.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
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
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.BadInputException;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.RegistryTypeResolver;
import dev.align4j.core.Jsonl;
import dev.align4j.core.StrictJson;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads experiment configs: a JSON object whose {@code "experiment"} field names a registered {@link Experiment}
 * and whose other fields bind to that experiment's config record, with {@link StrictJson}'s rules (duplicate keys,
 * type coercions such as {@code "0.1"} for a number or {@code 1.5} for an integer, unknown fields: errors). Every
 * field is required unless its record component declares a default ({@code @JsonProperty(defaultValue = "false")}),
 * which is then written into the resolved config. Relative paths are resolved against the config file's folder.
 * {@link ConfigOverride}s from the command line are applied to the tree before it is validated, exactly like the
 * file. Errors are {@link BadInputException}s naming the source (file and line, or the override) and the field
 * (dotted path, e.g. {@code training.learning_rate}); field names come from the exceptions' structure
 * ({@link InvalidConfigException#field()}, Jackson's paths, the record's components), never from message text.
 */
public final class ConfigFiles {
  /** The field that names the experiment. */
  public static final String EXPERIMENT_FIELD = "experiment";

  /** The field that names a plug-in's type. */
  private static final String TYPE_FIELD = "type";

  private ConfigFiles() {}

  /** An experiment with its validated config and the command-line overrides applied to it. */
  public record Bound<C extends Record>(Experiment<C> experiment, C config, List<ConfigOverride> overrides) {
    public Bound {
      overrides = List.copyOf(overrides);
    }

    /** A config built in code, without overrides. */
    public Bound(Experiment<C> experiment, C config) {
      this(experiment, config, List.of());
    }

    /** The resolved config as JSON, with its {@code "experiment"} field first. */
    public ObjectNode toJson() {
      ObjectMapper m = mapper(Path.of("."), List.of());
      ObjectNode node = m.createObjectNode();
      node.put(EXPERIMENT_FIELD, experiment.name());
      node.setAll((ObjectNode) m.valueToTree(config));
      return node;
    }

    /** Pretty-printed {@link #toJson()}. */
    public String toJsonString() {
      try {
        return mapper(Path.of("."), List.of()).writeValueAsString(toJson());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Reads and validates {@code file}. */
  public static Bound<?> read(Path file) {
    return read(file, List.of());
  }

  /** Reads {@code file}, applies {@code overrides} in order and validates the result. */
  public static Bound<?> read(Path file, List<ConfigOverride> overrides) {
    Source source = Source.load(file, overrides);
    ObjectNode root = source.object();
    for (ConfigOverride o : overrides) {
      apply(root, o);
    }
    JsonNode name = root.remove(EXPERIMENT_FIELD);
    if (name == null || !name.isTextual()) {
      throw source.error(EXPERIMENT_FIELD, "required: the experiment's name, one of " + Experiments.names());
    }
    Experiment<?> experiment = Experiments.find(name.asText()).orElseThrow(() -> source.error(EXPERIMENT_FIELD,
        "unknown experiment '" + name.asText() + "', known: " + Experiments.names()));
    return bind(source, root, experiment, overrides);
  }

  /**
   * Reads a standalone config file (e.g. {@code LOSS.json}) of {@code type} with {@code mapper}, with the same
   * checks and error messages as experiment configs.
   */
  public static <T> T readValue(Path file, Class<T> type, ObjectMapper mapper) {
    Source source = Source.load(file, List.of());
    complete(source, source.object(), type, "");
    return convert(source, mapper, source.object(), type);
  }

  /**
   * An error on {@code field} of the config {@code file} read with {@code overrides}: it names the override that set
   * the field, else the file and the field's line (for checks made after reading, e.g. that a data file exists).
   */
  public static BadInputException error(Path file, List<ConfigOverride> overrides, String field, String message) {
    return Source.load(file, overrides).error(field, message);
  }

  /** The dotted path of the first field of {@code tree} whose value is the string {@code value}. */
  public static java.util.Optional<String> fieldHolding(JsonNode tree, String value) {
    if (tree.isTextual() && tree.asText().equals(value)) {
      return java.util.Optional.of("");
    }
    if (tree.isObject()) {
      for (var it = tree.fields(); it.hasNext(); ) {
        var e = it.next();
        var inner = fieldHolding(e.getValue(), value);
        if (inner.isPresent()) {
          return java.util.Optional.of(inner.get().isEmpty() ? e.getKey() : e.getKey() + "." + inner.get());
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static <C extends Record> Bound<C> bind(Source source, ObjectNode root, Experiment<C> experiment,
      List<ConfigOverride> overrides) {
    complete(source, root, experiment.configType(), "");
    ObjectMapper mapper = mapper(source.file().toAbsolutePath().getParent(), overrides);
    return new Bound<>(experiment, convert(source, mapper, root, experiment.configType()), overrides);
  }

  private static <T> T convert(Source source, ObjectMapper mapper, ObjectNode root, Class<T> type) {
    try {
      return mapper.treeToValue(root, type);
    } catch (InvalidDefinitionException e) {
      throw new IllegalStateException("cannot bind " + type.getName() + ": " + e.getOriginalMessage(), e);
    } catch (JsonMappingException e) {
      throw translate(source, root, e);
    } catch (JsonProcessingException e) {
      throw source.error(null, e.getOriginalMessage());
    }
  }

  /** Sets the override's value at its dotted key, creating missing objects on the way. */
  private static void apply(ObjectNode root, ConfigOverride o) {
    List<String> keys = o.segments();
    ObjectNode node = root;
    for (int i = 0; i < keys.size() - 1; i++) {
      JsonNode next = node.get(keys.get(i));
      if (next == null) {
        next = node.putObject(keys.get(i));
      } else if (!next.isObject()) {
        throw BadInputException.at(o.source(), String.join(".", keys.subList(0, i + 1)),
            "is not an object in the config, so it has no field '" + keys.get(i + 1) + "'");
      }
      node = (ObjectNode) next;
    }
    node.set(keys.get(keys.size() - 1), o.value());
  }

  /**
   * Walks the tree along the record types: an unknown field, a missing field without a default or a null is an
   * error (unknown first, so that a misspelt field is reported as unknown rather than the right one as missing);
   * declared defaults are filled in. A plug-in field ({@code "type"} names the record through its registry) is checked
   * against that record.
   */
  private static void complete(Source source, JsonNode node, Class<?> type, String path) {
    if (!node.isObject()) {
      return;
    }
    Set<String> typeField = Set.of();
    if (!type.isRecord()) {
      // a plug-in point ({"type": name, ...}): the record its registry names, checked the same way
      Class<?> bound = pluginConfigType(type, node);
      if (bound == null || !bound.isRecord()) {
        return;
      }
      type = bound;
      typeField = Set.of(TYPE_FIELD);
    }
    ObjectNode obj = (ObjectNode) node;
    Map<String, RecordComponent> components = components(type);
    for (var it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!components.containsKey(f) && !typeField.contains(f)) {
        throw source.error(join(path, f), "unknown field (allowed: " + String.join(", ",
            new TreeSet<>(components.keySet())) + ")");
      }
    }
    for (var e : components.entrySet()) {
      String where = join(path, e.getKey());
      JsonNode value = obj.get(e.getKey());
      String fallback = defaultOf(e.getValue());
      if (value == null && !fallback.isEmpty()) {
        obj.set(e.getKey(), parseDefault(type, e.getKey(), fallback));
      } else if (value == null) {
        throw source.error(where, "missing (every field without a documented default is required)");
      } else if (value.isNull()) {
        throw source.error(where, "must not be null");
      } else {
        complete(source, value, e.getValue().getType(), where);
      }
    }
  }

  /**
   * The config record a registry-typed interface binds {@code node} to (its {@code "type"} looked up through the
   * interface's {@link RegistryTypeResolver}), or null when that is not known here (Jackson then reports it).
   */
  private static Class<?> pluginConfigType(Class<?> type, JsonNode node) {
    var resolver = type.getAnnotation(JsonTypeIdResolver.class);
    JsonNode name = node.get(TYPE_FIELD);
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

  private static JsonNode parseDefault(Class<?> type, String field, String text) {
    try {
      return Jsonl.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(type.getName() + "." + field + ": defaultValue is not JSON: " + text, e);
    }
  }

  /** JSON name → component, in declaration order (the name from {@code @JsonProperty}, else the component's). */
  private static Map<String, RecordComponent> components(Class<?> type) {
    Map<String, RecordComponent> out = new LinkedHashMap<>();
    for (RecordComponent c : type.getRecordComponents()) {
      JsonProperty json = c.getAccessor().getAnnotation(JsonProperty.class); // reaches the accessor from the component
      out.put(json != null && !json.value().isEmpty() ? json.value() : c.getName(), c);
    }
    return out;
  }

  private static String defaultOf(RecordComponent c) {
    JsonProperty json = c.getAccessor().getAnnotation(JsonProperty.class);
    return json == null ? "" : json.defaultValue();
  }

  private static boolean required(RecordComponent c) {
    JsonProperty json = c.getAccessor().getAnnotation(JsonProperty.class);
    return json != null && json.required();
  }

  /** Turns a Jackson binding error into a bad-input error, from the exception's structure. */
  private static BadInputException translate(Source source, ObjectNode root, JsonMappingException e) {
    String path = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    Throwable cause = e.getCause();
    if (cause instanceof InvalidConfigException bad) {
      String field = path.equals(bad.field()) || path.endsWith("." + bad.field()) ? path : join(path, bad.field());
      return source.error(field, bad.getMessage());
    }
    if (e instanceof ValueInstantiationException && cause instanceof IllegalArgumentException bad) {
      return source.error(path.isEmpty() ? null : path, bad.getMessage());
    }
    if (e instanceof InvalidTypeIdException t) {
      JsonSubTypes subtypes = t.getBaseType() == null ? null
          : t.getBaseType().getRawClass().getAnnotation(JsonSubTypes.class);
      String known = subtypes == null ? "" : " (known: " + Arrays.stream(subtypes.value()).map(JsonSubTypes.Type::name)
          .sorted().collect(Collectors.joining(", ")) + ")";
      return source.error(join(path, "type"), t.getTypeId() == null ? "missing" + known
          : "unknown type '" + t.getTypeId() + "'" + known);
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String allowed = u.getKnownPropertyIds() == null ? "" : " (allowed: " + u.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
      return source.error(path, "unknown field" + allowed);
    }
    JsonNode at = nodeAt(root, path);
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      Class<?> target = m.getTargetType();
      if (target.isRecord() && at != null && at.isObject()) {
        // a missing or null creator property inside a polymorphic config: the first required one the object lacks
        RecordComponent missing = null;
        String missingName = null;
        for (var c : components(target).entrySet()) {
          JsonNode v = at.get(c.getKey());
          if ((v == null || v.isNull()) && (missing == null || required(c.getValue()) && !required(missing))) {
            missing = c.getValue();
            missingName = c.getKey();
          }
        }
        if (missingName != null) {
          JsonNode v = at.get(missingName);
          return source.error(join(path, missingName), v == null ? "missing" : "must not be null");
        }
      }
      String expected = expected(target);
      if (expected != null && at != null) {
        return source.error(path, "expected " + expected + ", got " + abbreviate(at));
      }
    }
    return source.error(path.isEmpty() ? null : path, e.getOriginalMessage());
  }

  /** How a scalar type is named in messages; null for other types. */
  private static String expected(Class<?> t) {
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class) {
      return "an integer";
    }
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
      return "a number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true or false";
    }
    if (t == String.class || t == Path.class) {
      return "a string";
    }
    return null;
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private static JsonNode nodeAt(JsonNode root, String path) {
    JsonNode node = root;
    if (path.isEmpty()) {
      return node;
    }
    for (String part : path.replace("[", ".[").split("\\.")) {
      if (node == null) {
        return null;
      }
      node = part.startsWith("[") ? node.get(Integer.parseInt(part.substring(1, part.length() - 1))) : node.get(part);
    }
    return node;
  }

  private static String join(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
  }

  /**
   * The config mapper: {@link StrictJson} plus every creator property required and non-null, pretty printing, and
   * paths resolved against {@code baseDir} (against the working directory when an override set them).
   */
  public static ObjectMapper mapper(Path baseDir) {
    return mapper(baseDir, List.of());
  }

  private static ObjectMapper mapper(Path baseDir, List<ConfigOverride> overrides) {
    SimpleModule paths = new SimpleModule("align4j-paths");
    paths.addDeserializer(Path.class, new JsonDeserializer<>() {
      @Override
      public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String s = p.getValueAsString();
        if (s == null || s.isBlank()) {
          throw ctxt.weirdStringException(s, Path.class, "a path must be a non-empty string");
        }
        String at = JsonLocations.path(p.getParsingContext());
        boolean fromCommandLine = overrides.stream().anyMatch(o -> ConfigOverride.covers(o.key(), at));
        return (fromCommandLine ? Path.of("").toAbsolutePath() : baseDir).resolve(s).normalize();
      }
    });
    paths.addSerializer(Path.class, new JsonSerializer<>() {
      @Override
      public void serialize(Path value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(value.toString());
      }
    });
    return StrictJson.builder()
        .addModule(paths)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .build();
  }

  /** A config file's text, tree and line index, and where errors point (the file's line, or an override). */
  private record Source(Path file, String text, JsonNode tree, JsonLocations lines, List<ConfigOverride> overrides) {

    static Source load(Path file, List<ConfigOverride> overrides) {
      if (!Files.isRegularFile(file)) {
        throw new BadInputException(file, 0, null, Files.isDirectory(file) ? "is a directory, not a config file"
            : "no such config file");
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new BadInputException(file, 0, null, "cannot read: " + e.getMessage(), e);
      }
      String text = decode(file, bytes);
      JsonNode tree;
      try {
        tree = Jsonl.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new BadInputException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
            "malformed JSON: " + Jsonl.describe(e));
      }
      if (!(tree instanceof ObjectNode)) {
        throw new BadInputException(file, 1, null, "a config must be a JSON object");
      }
      return new Source(file, text, tree, JsonLocations.of(text), overrides);
    }

    /** The text as strict UTF-8 (a leading byte order mark skipped); bad bytes name their line. */
    private static String decode(Path file, byte[] bytes) {
      List<Integer> starts = new ArrayList<>();
      starts.add(0);
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          starts.add(i + 1);
        }
      }
      StringBuilder sb = new StringBuilder(bytes.length);
      for (int l = 0; l < starts.size(); l++) {
        int from = starts.get(l);
        int to = l + 1 < starts.size() ? starts.get(l + 1) : bytes.length;
        byte[] line = Arrays.copyOfRange(bytes, from, to);
        sb.append(Jsonl.decode(file, l + 1, line, line.length));
      }
      return sb.length() > 0 && sb.charAt(0) == '\uFEFF' ? sb.substring(1) : sb.toString();
    }

    ObjectNode object() {
      return (ObjectNode) tree;
    }

    /** An error at dotted path {@code field}: its source is the last override concerning it, else the file. */
    BadInputException error(String field, String message) {
      for (int i = overrides.size() - 1; i >= 0; i--) {
        if (overrides.get(i).concerns(field)) {
          return BadInputException.at(overrides.get(i).source(), field, message);
        }
      }
      return new BadInputException(file, field == null ? 0 : lines.lineOf(field), field, message);
    }
  }
}
