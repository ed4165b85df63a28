package dev.align4j.policies.text.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Python reference values printed by /usr/bin/python3 (3.13): repr(float), json.dumps, str.split, str.strip. */
class PyCompatTest {

  @Test
  void floatsAreWrittenAsPythonRepr() {
    double[] values = {1.0, 0.25, 1e-7, 1e16, 1e15, 123456789012345678.0, 1.5e-5, 0.0001, 100.0, -0.0, 1e22, 3.14159,
        2.5e300};
    String[] python = {"1.0", "0.25", "1e-07", "1e+16", "1000000000000000.0", "1.2345678901234568e+17", "1.5e-05",
        "0.0001", "100.0", "-0.0", "1e+22", "3.14159", "2.5e+300"};
    for (int i = 0; i < values.length; i++) {
      assertEquals(python[i], PyJson.floatRepr(values[i]), "value " + values[i]);
    }
    assertEquals("NaN", PyJson.dumps(Double.NaN));
    assertEquals("Infinity", PyJson.dumps(Double.POSITIVE_INFINITY));
  }

  @Test
  void jsonDumpsIndentSeparatorsAndEscapes() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("b", null);
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("a", Arrays.asList(1, inner));
    value.put("c", Map.of());
    value.put("d", List.of());
    assertEquals("{\n    \"a\": [\n        1,\n        {\n            \"b\": null\n        }\n    ],\n    \"c\": {},\n"
        + "    \"d\": []\n}", PyJson.dumps(value, 4, null, null, false));
    assertEquals("{\"a\": [1, {\"b\": null}], \"c\": {}, \"d\": []}", PyJson.dumps(value));
    assertEquals("{\"a\":[1,{\"b\":null}],\"c\":{},\"d\":[]}", PyJson.dumps(value, null, ",", ":", false));
    // json.dumps('\x00\x1f\x7f\u2028"\\\b\f\n\r\t é', ensure_ascii=False)
    assertEquals("\"\\u0000\\u001f\u007f\u2028\\\"\\\\\\b\\f\\n\\r\\t é\"",
        PyJson.dumps("\u0000\u001f\u007f\u2028\"\\\b\f\n\r\t é"));
  }

  @Test
  void stringsSplitAndStripAsPython() {
    assertEquals(List.of("a", "b c  "), PyStrings.split(" a b c  ", null, 1));
    assertEquals(List.of("a", "b", "c"), PyStrings.split("\u00a0a\u2007b\u3000c\u0085", null, -1));
    assertEquals(List.of("a", "", "b."), PyStrings.split("a..b.", ".", 2));
    assertEquals("x\u200b", PyStrings.strip("\u0085\u00a0\u2007\u202f\u001c x\u200b \u3000"));
    assertEquals("abc", PyStrings.strip("\n\nabc\n", "\n", true, true));
    assertEquals("cba\uD83E\uDD99", PyStrings.reversed("\uD83E\uDD99abc"));
  }
}
