package dev.align4j.experiments.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every field and array element of a JSON text, keyed by its dotted path ({@code training.schedule},
 * {@code a[2].b}), so that errors found on the bound tree can still name the line in the file.
 */
final class JsonLocations {
  private final Map<String, Integer> lines = new HashMap<>();

  private JsonLocations() {}

  /** Indexes {@code json} (already known to parse). */
  static JsonLocations of(String json) {
    JsonLocations out = new JsonLocations();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        JsonStreamContext c = p.getParsingContext();
        String at = null;
        if (t == JsonToken.FIELD_NAME || t.isScalarValue() && c.inArray()) {
          at = path(c);
        } else if (t.isStructStart() && c.getParent() != null && c.getParent().inArray()) {
          at = path(c.getParent());
        } else if (t.isStructStart() && c.getParent() != null && c.getParent().inRoot()) {
          at = ""; // the top-level object: where errors about a missing field of it point
        }
        if (at != null) {
          out.lines.putIfAbsent(at, p.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException e) {
      // the text was parsed before; a failure here only costs line numbers
    }
    return out;
  }

  /** The line of {@code path}, else of its nearest enclosing field, else of the top-level object; 0 when unknown. */
  int lineOf(String path) {
    for (String p = path; p != null && !p.isEmpty(); p = parent(p)) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
    }
    return lines.getOrDefault("", 0);
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? null : path.substring(0, cut);
  }

  /** The dotted path of a parser context ({@code a.b[3].c}). */
  static String path(JsonStreamContext context) {
    StringBuilder sb = new StringBuilder();
    build(context, sb);
    return sb.toString();
  }

  private static void build(JsonStreamContext c, StringBuilder sb) {
    if (c == null || c.inRoot()) {
      return;
    }
    build(c.getParent(), sb);
    if (c.inObject() && c.getCurrentName() != null) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(c.getCurrentName());
    } else if (c.inArray()) {
      sb.append('[').append(Math.max(0, c.getCurrentIndex())).append(']');
    }
  }
}
