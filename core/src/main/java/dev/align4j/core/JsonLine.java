package dev.align4j.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One parsed line of a JSONL input, with typed accessors that fail with a {@link BadInputException} naming the
 * file, line and field. Numbers must be finite; arrays must hold numbers only.
 */
public record JsonLine(Path file, int line, ObjectNode node) {

  /** The {@code id} field as given (string or number), copied through to outputs; required. */
  public JsonNode id() {
    JsonNode id = node.get("id");
    if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
      throw error("id", id == null ? "missing" : "must be a string or an integer");
    }
    return id;
  }

  public boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  /** Fails if the line has a field outside {@code allowed}. */
  public JsonLine onlyFields(Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw error(f, "unknown field (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
    return this;
  }

  public String string(String field) {
    JsonNode v = require(field);
    if (!v.isTextual()) {
      throw error(field, "must be a string");
    }
    return v.asText();
  }

  public double number(String field) {
    JsonNode v = require(field);
    if (!v.isNumber()) {
      throw error(field, "must be a number");
    }
    double d = v.asDouble();
    if (!Double.isFinite(d)) {
      throw error(field, "must be finite");
    }
    return d;
  }

  public int integer(String field) {
    JsonNode v = require(field);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw error(field, "must be an integer");
    }
    return v.asInt();
  }

  public double[] doubles(String field) {
    JsonNode v = requireArray(field);
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = v.get(i);
      if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
        throw error(field + "[" + i + "]", "must be a finite number");
      }
      out[i] = e.asDouble();
    }
    return out;
  }

  public int[] ints(String field) {
    JsonNode v = requireArray(field);
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = v.get(i);
      if (!e.isIntegralNumber() || !e.canConvertToInt()) {
        throw error(field + "[" + i + "]", "must be an integer");
      }
      out[i] = e.asInt();
    }
    return out;
  }

  public List<String> strings(String field) {
    JsonNode v = requireArray(field);
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw error(field + "[" + i + "]", "must be a string");
      }
      out.add(v.get(i).asText());
    }
    return out;
  }

  public JsonNode require(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw error(field, "missing");
    }
    return v;
  }

  private JsonNode requireArray(String field) {
    JsonNode v = require(field);
    if (!v.isArray()) {
      throw error(field, "must be an array");
    }
    return v;
  }

  public BadInputException error(String field, String message) {
    return new BadInputException(file, line, field, message);
  }
}
