package dev.align4j.core;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import java.io.IOException;

/**
 * Binds a plug-in point's {@code "type"} field to the config records of its {@link Registry}, for any Jackson mapper.
 * Subclass it once per plug-in point with a public no-argument constructor and name the subclass on the config
 * interface:
 *
 * <pre>{@code
 * @JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, property = "type")
 * @JsonTypeIdResolver(LossConfig.Types.class)
 * public interface LossConfig { ...
 *   final class Types extends RegistryTypeResolver<LossConfig> { public Types() { super(LossType.REGISTRY); } }
 * }
 * }</pre>
 *
 * <p>An unknown name fails with a {@link JsonMappingException} whose cause is the registry's
 * {@link InvalidConfigException} on field {@code type} (its message lists the known names).
 */
public abstract class RegistryTypeResolver<T> extends TypeIdResolverBase {
  private final Registry<T, ? extends PluginType<T>> registry;

  protected RegistryTypeResolver(Registry<T, ? extends PluginType<T>> registry) {
    this.registry = registry;
  }

  @Override
  public String idFromValue(Object value) {
    return idFromValueAndType(value, value.getClass());
  }

  @Override
  public String idFromValueAndType(Object value, Class<?> suggestedType) {
    Class<?> type = value != null ? value.getClass() : suggestedType;
    return registry.nameOf(type).orElseThrow(() -> new IllegalStateException(
        type.getName() + " is not a registered " + registry.what() + " (missing META-INF/services entry?)"));
  }

  @Override
  public JavaType typeFromId(DatabindContext context, String id) throws IOException {
    var p = registry.find(id);
    if (p.isEmpty()) {
      // our own exception as the cause, so config readers report field 'type' without parsing Jackson's text
      InvalidConfigException unknown = registry.unknown(id);
      if (context instanceof DeserializationContext d) {
        throw JsonMappingException.from(d, unknown.getMessage(), unknown);
      }
      throw unknown;
    }
    return context.constructType(p.get().configType());
  }

  /** The config record registered under {@code name}, if any (for readers that check fields before binding). */
  public java.util.Optional<Class<? extends T>> configType(String name) {
    return registry.find(name).map(PluginType::configType);
  }

  @Override
  public String getDescForKnownTypeIds() {
    return String.join(", ", registry.names());
  }

  @Override
  public JsonTypeInfo.Id getMechanism() {
    return JsonTypeInfo.Id.CUSTOM;
  }
}
