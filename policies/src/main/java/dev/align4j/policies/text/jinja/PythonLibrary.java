package dev.align4j.policies.text.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The filters, tests and functions that transformers' chat template environment adds to (or that Python Jinja2
 * defines differently from) Jinjava's: {@code trim} (Python {@code str.strip}), {@code tojson}
 * ({@link PyJson}), {@code items}, the type tests with Python's answers, {@code raise_exception} and
 * {@code strftime_now}.
 */
final class PythonLibrary {
  private PythonLibrary() {}

  /** What {@code raise_exception(message)} throws; {@link JinjaTemplate} turns it into an error naming the template. */
  static final class TemplateRaised extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TemplateRaised(String message) {
      super(message);
    }
  }

  /** {@code raise_exception(message)}. */
  public static Object raiseException(Object message) {
    throw new TemplateRaised(String.valueOf(message));
  }

  /** {@code strftime_now(format)}: the local time now, formatted by Python's strftime codes. */
  public static String strftimeNow(String format) {
    return StrftimeFormatter.format(ZonedDateTime.now(), format, Locale.US);
  }

  static List<ELFunctionDefinition> functions() {
    return List.of(
        new ELFunctionDefinition("", "raise_exception", PythonLibrary.class, "raiseException", Object.class),
        new ELFunctionDefinition("", "strftime_now", PythonLibrary.class, "strftimeNow", String.class));
  }

  static List<Filter> filters() {
    return List.of(new Trim(), new ToJson(), new Items());
  }

  static List<ExpTest> tests() {
    return List.of(
        test("string", v -> v instanceof CharSequence),
        test("mapping", v -> v instanceof Map),
        // Python: str, list, dict (and tuples) are iterable and sequences
        test("iterable", v -> v instanceof CharSequence || v instanceof Collection || v instanceof Map
            || v instanceof Object[]),
        test("sequence", v -> v instanceof CharSequence || v instanceof Collection || v instanceof Map
            || v instanceof Object[]),
        // Python: bool is a Number
        test("number", v -> v instanceof Number || v instanceof Boolean),
        test("integer", v -> v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
            || v instanceof java.math.BigInteger),
        test("float", v -> v instanceof Double || v instanceof Float || v instanceof java.math.BigDecimal),
        test("boolean", v -> v instanceof Boolean));
  }

  private static ExpTest test(String name, Predicate<Object> predicate) {
    return new ExpTest() {
      @Override
      public String getName() {
        return name;
      }

      @Override
      public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
        return predicate.test(var);
      }
    };
  }

  /** {@code trim(chars=None)}: Python's {@code str.strip}. */
  static final class Trim implements Filter {
    @Override
    public String getName() {
      return "trim";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      String chars = args.length > 0 ? args[0] : null;
      return var == null ? "" : PyStrings.strip(var.toString(), chars, true, true);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object chars = kwargs.containsKey("chars") ? kwargs.get("chars") : args.length > 0 ? args[0] : null;
      return var == null ? "" : PyStrings.strip(var.toString(), chars == null ? null : chars.toString(), true, true);
    }
  }

  /** {@code tojson(indent=None, separators=None, sort_keys=False)}: {@code json.dumps(ensure_ascii=False)}. */
  static final class ToJson implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PyJson.dumps(var);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
      Object separators = kwargs.get("separators");
      String items = null;
      String keys = null;
      if (separators instanceof List<?> pair && pair.size() == 2) {
        items = String.valueOf(pair.get(0));
        keys = String.valueOf(pair.get(1));
      }
      boolean sort = Boolean.TRUE.equals(kwargs.get("sort_keys"));
      return PyJson.dumps(var, indent, items, keys, sort);
    }
  }

  /** {@code items}: a mapping's {@code [key, value]} pairs in order (Jinja 3.1). */
  static final class Items implements Filter {
    @Override
    public String getName() {
      return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      List<List<Object>> out = new ArrayList<>();
      if (var instanceof Map<?, ?> map) {
        map.forEach((k, v) -> out.add(java.util.Arrays.asList(k, v)));
      }
      return out;
    }
  }
}
