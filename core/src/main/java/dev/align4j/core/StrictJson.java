package dev.align4j.core;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The one strict JSON mapper of the project, for configs and JSONL input alike: unknown fields, duplicate keys,
 * trailing content, {@code NaN}/{@code Infinity} literals and type coercions ({@code "0.1"} for a number,
 * {@code 1.5} for an integer, {@code 1} for a boolean, {@code ""} for an object) are all errors.
 */
public final class StrictJson {
  private StrictJson() {}

  /** A new strict mapper builder; callers add modules (e.g. path resolution) before {@code build()}. */
  public static JsonMapper.Builder builder() {
    JsonMapper.Builder b = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    b.withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail));
    b.withCoercionConfig(LogicalType.POJO, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
    b.withCoercionConfig(LogicalType.Collection, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
    return b;
  }

  /** A new strict mapper. */
  public static ObjectMapper mapper() {
    return builder().build();
  }
}
