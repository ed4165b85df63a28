package dev.align4j.experiments.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.align4j.core.BadInputException;
import dev.align4j.core.Jsonl;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code key=value} from the command line of {@code ./align4j run CONFIG.json key=value ...}: {@code key} is a
 * dotted path into the config ({@code training.learning_rate}, {@code loss.beta}); {@code value} is parsed as JSON
 * when it is valid JSON ({@code 1e-6}, {@code true}, {@code {"type": "sigmoid", "beta": 0.1}}) and taken as a string
 * otherwise ({@code chat_template=tulu}). The overridden config is validated exactly like the file; errors name the
 * override as their source: {@code override 'loss.beta=x': field 'loss.beta': ...}. A path given in an override is
 * resolved against the working directory (paths in the file, against the file's folder).
 *
 * @param key the dotted path
 * @param value the parsed value
 * @param text the argument as given, for messages and provenance
 */
public record ConfigOverride(String key, JsonNode value, String text) {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  /** Whether {@code arg} has the shape of an override ({@code dotted.key=...}). */
  public static boolean looksLikeOne(String arg) {
    int eq = arg.indexOf('=');
    return eq > 0 && KEY.matcher(arg.substring(0, eq)).matches();
  }

  /** Parses {@code key=value}; a malformed argument is bad input naming it. */
  public static ConfigOverride parse(String arg) {
    int eq = arg.indexOf('=');
    if (eq <= 0 || !KEY.matcher(arg.substring(0, eq)).matches()) {
      throw BadInputException.at("override '" + arg + "'", null,
          "expected key=value with a dotted key, e.g. training.learning_rate=1e-6");
    }
    String raw = arg.substring(eq + 1);
    JsonNode value;
    try {
      value = raw.isBlank() ? TextNode.valueOf(raw) : Jsonl.MAPPER.readTree(raw);
    } catch (JsonProcessingException e) {
      value = TextNode.valueOf(raw);
    }
    return new ConfigOverride(arg.substring(0, eq), value, arg);
  }

  /** The key's segments. */
  public List<String> segments() {
    return Arrays.asList(key.split("\\."));
  }

  /** How errors name this override as their source. */
  public String source() {
    return "override '" + text + "'";
  }

  /** Whether a field at dotted path {@code field} lies at or under this override's key, or contains it. */
  boolean concerns(String field) {
    return field != null && (covers(key, field) || covers(field, key));
  }

  /** Whether the field or index path {@code inner} is {@code outer} or inside it. */
  static boolean covers(String outer, String inner) {
    return inner.equals(outer) || inner.startsWith(outer + ".") || inner.startsWith(outer + "[");
  }
}
