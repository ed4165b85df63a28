package dev.align4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plug-ins of one plug-in point, discovered through {@link ServiceLoader} on the thread's context class loader
 * (so jars on {@code ALIGN4J_CLASSPATH} take part) and keyed by {@link PluginType#name()}. Built-ins are found the
 * same way as outside jars: there is no other path. Two plug-ins with one name, or one config class under two
 * names, are an error naming both classes.
 *
 * <pre>{@code
 * Registry<LossConfig, LossType> losses = Registry.of(LossType.class, "loss type");
 * Class<? extends LossConfig> c = losses.require("sigmoid").configType();
 * }</pre>
 *
 * @param <T> the plug-in point's config interface
 * @param <P> the service interface listed in {@code META-INF/services}
 */
public final class Registry<T, P extends PluginType<T>> {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]*");

  private final Class<P> service;
  private final String what;

  private Registry(Class<P> service, String what) {
    this.service = service;
    this.what = what;
  }

  /**
   * @param service the service interface
   * @param what how errors name one entry, e.g. {@code "loss type"}
   */
  public static <T, P extends PluginType<T>> Registry<T, P> of(Class<P> service, String what) {
    return new Registry<>(service, what);
  }

  /** Every registered plug-in by name (sorted), freshly discovered. */
  public Map<String, P> all() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = service.getClassLoader();
    }
    TreeMap<String, P> byName = new TreeMap<>();
    Map<Class<?>, String> byConfig = new java.util.HashMap<>();
    for (P p : ServiceLoader.load(service, loader)) {
      String name = p.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalStateException(p.getClass().getName() + " registers the " + what + " name '" + name
            + "': names are lower case letters, digits, '_', '.' or '-', starting with a letter");
      }
      P previous = byName.put(name, p);
      if (previous != null && previous.getClass() != p.getClass()) {
        throw new IllegalStateException("two " + what + "s are named '" + name + "': "
            + previous.getClass().getName() + " and " + p.getClass().getName());
      }
      String other = byConfig.put(p.configType(), name);
      if (other != null && !other.equals(name)) {
        throw new IllegalStateException(p.configType().getName() + " is registered as two " + what + "s, '"
            + other + "' and '" + name + "'");
      }
    }
    return byName;
  }

  /** The plug-in named {@code name}, if registered. */
  public Optional<P> find(String name) {
    return Optional.ofNullable(all().get(name));
  }

  /** The plug-in named {@code name}, or an {@link InvalidConfigException} on {@code type} listing the known names. */
  public P require(String name) {
    return find(name).orElseThrow(() -> unknown(name));
  }

  /** The error for an unknown name: field {@code type}, with the known names. */
  public InvalidConfigException unknown(String name) {
    return new InvalidConfigException("type", "unknown " + what + " '" + name + "' (known: "
        + String.join(", ", names()) + "; a plug-in jar joins through ALIGN4J_CLASSPATH)");
  }

  /** The registered names, sorted. */
  public List<String> names() {
    return new ArrayList<>(all().keySet());
  }

  /** The name under which {@code configClass} is registered. */
  public Optional<String> nameOf(Class<?> configClass) {
    return all().values().stream().filter(p -> p.configType() == configClass).map(PluginType::name).findFirst();
  }

  /** How errors name one entry. */
  public String what() {
    return what;
  }
}
