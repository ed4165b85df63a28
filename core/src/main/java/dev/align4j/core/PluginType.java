package dev.align4j.core;

/**
 * One plug-in of a plug-in point (a loss, a reward, an advantage estimator, ...): the name configs use in their
 * {@code "type"} field and the config record that JSON binds to. A plug-in is a class (what the config creates), a
 * typed config record, and one {@code PluginType} listed in the plug-in point's {@link java.util.ServiceLoader} file;
 * the built-ins register exactly the same way, so a jar on the class path is a first-class citizen.
 *
 * <pre>{@code
 * // in my-loss.jar, listed in META-INF/services/dev.align4j.losses.LossType
 * public final class OffsetDpoType implements LossType {
 *   public String name() { return "offset_dpo"; }
 *   public Class<OffsetDpoConfig> configType() { return OffsetDpoConfig.class; }
 * }
 * }</pre>
 *
 * @param <T> the plug-in point's config interface (e.g. {@code LossConfig})
 */
public interface PluginType<T> {

  /** The {@code "type"} name; lower snake case, unique within the plug-in point. */
  String name();

  /** The config record that JSON with this type binds to (unknown fields are errors). */
  Class<? extends T> configType();
}
