package dev.align4j.policies.text.jinja;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Answers the Python methods chat templates call on strings and dicts ({@code content.strip()},
 * {@code content.startswith('<tool_response>')}, {@code message.get('content', none)}, ...), string indexing by code
 * point ({@code s[0]}, {@code s[-1]}) and the reversing slice {@code x[::-1]} (rewritten by {@link JinjaTemplate} to
 * a subscript with {@link #REVERSED}). Jinjava would otherwise call Java's methods of the same name, which differ
 * ({@code String.split} takes a regular expression, {@code String.strip} keeps U+00A0) or do not exist. Anything
 * else falls through to Jinjava's own resolvers.
 */
final class PythonMethods extends ELResolver {
  /** The subscript {@code [::-1]} becomes; a noncharacter, so no template or data can spell it by accident. */
  static final String REVERSED = "\uFDD2reversed";

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (!(method instanceof String name)) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result;
    if (base instanceof String s) {
      result = stringMethod(s, name, args);
    } else if (base instanceof Map<?, ?> map && name.equals("get") && (args.length == 1 || args.length == 2)) {
      result = map.containsKey(args[0]) ? map.get(args[0]) : args.length == 2 ? args[1] : null;
      context.setPropertyResolved(true);
      return result;
    } else {
      return null;
    }
    if (result != NOT_HANDLED) {
      context.setPropertyResolved(true);
      return result;
    }
    return null;
  }

  private static final Object NOT_HANDLED = new Object();

  private static Object stringMethod(String s, String name, Object[] a) {
    switch (name) {
      case "strip":
      case "lstrip":
      case "rstrip": {
        String chars = a.length > 0 && a[0] != null ? a[0].toString() : null;
        return PyStrings.strip(s, chars, !name.equals("rstrip"), !name.equals("lstrip"));
      }
      case "split": {
        String sep = a.length > 0 && a[0] != null ? a[0].toString() : null;
        int max = a.length > 1 && a[1] != null ? ((Number) a[1]).intValue() : -1;
        return new ArrayList<>(PyStrings.split(s, sep, max));
      }
      case "startswith":
        return affix(s, a, true);
      case "endswith":
        return affix(s, a, false);
      case "upper":
        return s.toUpperCase(Locale.ROOT);
      case "lower":
        return s.toLowerCase(Locale.ROOT);
      case "title":
        return PyStrings.title(s);
      case "capitalize":
        return PyStrings.capitalize(s);
      case "replace": {
        if (a.length < 2) {
          return NOT_HANDLED;
        }
        return s.replace(a[0].toString(), a[1].toString());
      }
      case "find":
        return a.length == 1 ? (Object) (long) s.indexOf(a[0].toString()) : NOT_HANDLED;
      case "count":
        return a.length == 1 ? (Object) (long) (PyStrings.split(s, a[0].toString(), -1).size() - 1) : NOT_HANDLED;
      case "join": {
        if (a.length != 1 || !(a[0] instanceof Collection<?> parts)) {
          return NOT_HANDLED;
        }
        List<String> strings = new ArrayList<>();
        parts.forEach(p -> strings.add(String.valueOf(p)));
        return String.join(s, strings);
      }
      case "isspace":
        return !s.isEmpty() && s.codePoints().allMatch(PyStrings::isSpace);
      default:
        return NOT_HANDLED;
    }
  }

  private static Object affix(String s, Object[] a, boolean prefix) {
    if (a.length != 1) {
      return NOT_HANDLED;
    }
    Collection<?> options = a[0] instanceof Collection<?> c ? c : List.of(String.valueOf(a[0]));
    for (Object o : options) {
      String x = String.valueOf(o);
      if (prefix ? s.startsWith(x) : s.endsWith(x)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    if (REVERSED.equals(property)) {
      if (base instanceof String s) {
        context.setPropertyResolved(true);
        return PyStrings.reversed(s);
      }
      if (base instanceof Collection<?> c) {
        List<Object> out = new ArrayList<>(c);
        java.util.Collections.reverse(out);
        context.setPropertyResolved(true);
        return out;
      }
      return null;
    }
    if (base instanceof String s && property instanceof Number n
        && !(property instanceof Double) && !(property instanceof Float)) {
      context.setPropertyResolved(true);
      return PyStrings.charAt(s, n.longValue());
    }
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // read-only: falls through to Jinjava's resolvers
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return false;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
