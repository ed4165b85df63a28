package dev.align4j.experiments.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import dev.align4j.core.InvalidConfigException;
import java.io.IOException;
import java.util.Optional;

/**
 * JSON of an optional config block, without {@code null}: the string {@code "none"} (the block is off) or the block's
 * object. A config record declares it as
 *
 * <pre>{@code
 * @JsonProperty(value = "lora", defaultValue = "\"none\"")
 * @JsonDeserialize(using = OptionalBlock.Reader.class) @JsonSerialize(using = OptionalBlock.Writer.class)
 * Optional<LoraSettings> lora
 * }</pre>
 *
 * so that a config without the field reads as {@code "none"} ({@link ConfigFiles} fills the default in), the
 * resolved {@code config.json} says {@code "lora": "none"} explicitly, and any other string is an error naming the
 * field. The object form is checked field by field like any other record.
 */
public final class OptionalBlock {
  /** The spelling of an absent block. */
  public static final String NONE = "none";

  private OptionalBlock() {}

  /** Reads {@code "none"} as empty and an object as the block's record. */
  public static final class Reader extends JsonDeserializer<Optional<?>> implements ContextualDeserializer {
    private final JavaType content;
    private final String field;

    public Reader() {
      this(null, "");
    }

    private Reader(JavaType content, String field) {
      this.content = content;
      this.field = field;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
      JavaType type = property.getType();
      if (!type.hasRawClass(Optional.class) || type.containedTypeCount() != 1) {
        throw new IllegalStateException("OptionalBlock.Reader is for Optional<Record> properties, not " + type);
      }
      return new Reader(type.containedType(0), property.getName());
    }

    @Override
    public Optional<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        if (NONE.equals(p.getText())) {
          return Optional.empty();
        }
        throw new InvalidConfigException(field, "must be \"" + NONE + "\" or an object, got \"" + p.getText() + "\"");
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new InvalidConfigException(field, "must be \"" + NONE + "\" or an object, got " + p.currentToken());
      }
      return Optional.of(ctxt.readValue(p, content));
    }

    @Override
    public Object deserializeWithType(JsonParser p, DeserializationContext ctxt, TypeDeserializer types)
        throws IOException {
      return deserialize(p, ctxt);
    }
  }

  /** Writes an empty block as {@code "none"} and a present one as its object. */
  public static final class Writer extends JsonSerializer<Optional<?>> {
    @Override
    public void serialize(Optional<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      if (value.isEmpty()) {
        gen.writeString(NONE);
      } else {
        provider.defaultSerializeValue(value.get(), gen);
      }
    }
  }
}
