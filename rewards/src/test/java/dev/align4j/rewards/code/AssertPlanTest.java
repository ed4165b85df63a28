package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The split at the trust boundary: which parts of an assert become calls evaluated in the sandbox (and exactly what
 * source text goes in), which shapes are refused, and how the outside check treats the values that come back.
 */
class AssertPlanTest {

  private static List<String> calls(String test) {
    return AssertPlan.compile(test, 0).calls();
  }

  /** Checks {@code test} with the given values for its calls, in order. */
  private static boolean passes(String test, PyValue... values) {
    AssertPlan plan = AssertPlan.compile(test, 0);
    assertEquals(values.length, plan.calls().size(), plan.calls().toString());
    try {
      plan.check(i -> new CallOutcome.Returned(values[i]));
      return true;
    } catch (AssertPlan.Failure f) {
      return false;
    }
  }

  @Test
  void onlyTheCallsGoIntoTheSandboxAndExpectedValuesStayOut() {
    assertEquals(List.of("f(2, [1, 3])"), calls("assert f(2, [1, 3]) == (4, 'secret')"));
    assertEquals(List.of("is_prime(7)"), calls("assert is_prime(7)"));
    assertEquals(List.of("Solution().twoSum([2, 7, 11], 9)"), calls("assert Solution().twoSum([2,7,11], 9) == [0, 1]"));
    assertEquals(List.of("sorted(g(x))[0]"), calls("assert sorted(g(x))[0] == 31337"));
    assertEquals(List.of("area(2)"), calls("assert abs(area(2) - 12.566) < 1e-3"));
    assertEquals(List.of("h()"), calls("assert 31337 in h()"));
    assertEquals(List.of("f(1)", "f(2)"), calls("assert f(1) == 5 and not f(2)"));
    assertEquals(List.of("f(1)"), calls("assert (f(1) == 31337) == True")); // both comparisons happen outside
    assertEquals(List.of("f((-1), (-2.5))"), calls("assert f(-1, -2.5) == 31337"));
    assertEquals(List.of("f(((10 ** 9) + 7))"), calls("assert f(10**9 + 7) == 31337"));
    // the message, comments and line breaks never reach the sandbox
    List<String> c = calls("assert f(1,  # the answer is 31337\n 2) == 31337, 'expected 31337'");
    assertEquals(List.of("f(1, 2)"), c);
    for (String test : List.of("assert f(2, [1, 3]) == (4, 'secret')", "assert abs(area(2) - 31337.5) < 1e-3",
        "assert 31337 in h()", "assert f(1, 2) == 31337, 'expected 31337'", "assert g() == {'k': 31337}",
        "assert math.isclose(g(1), 31337.0, rel_tol=1e-6)", "assert f(x) != 31337", "assert f() is None")) {
      for (String call : calls(test)) {
        assertFalse(call.contains("31337") || call.contains("secret"), test + " sent " + call);
      }
    }
  }

  @Test
  void callsAreNumberedFromTheGivenOffset() {
    AssertPlan plan = AssertPlan.compile("assert f(1) == 1\nassert f(2) == 2; assert f(3) == 3", 5);
    assertEquals(List.of("f(1)", "f(2)", "f(3)"), plan.calls());
    Map<Integer, PyValue> values = Map.of(5, PyValue.Num.ofInt(1), 6, PyValue.Num.ofInt(2), 7, PyValue.Num.ofInt(3));
    assertDoesNotFail(plan, values);
  }

  private static void assertDoesNotFail(AssertPlan plan, Map<Integer, PyValue> values) {
    try {
      plan.check(i -> new CallOutcome.Returned(values.get(i)));
    } catch (AssertPlan.Failure f) {
      throw new AssertionError(f.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "assert f(1) == f(2)",                       // both sides from the solution
      "assert f(3) == sorted([3, 1, 2])",          // the expected side would run in the sandbox
      "assert f(1) == len([1])",
      "assert f(x) is 5",                          // identity only against None/True/False
      "assert f(n - 1) == 3",                      // arithmetic with a name inside a call: the solution sees it
      "assert f(x == 1)",                          // a comparison inside a call
      "assert f(lambda x: x) == 1",
      "assert [x for x in f()] == [1]",
      "assert f(1) if g() else h()",
      "assert f(f'{x}') == 1",
      "assert (y := f(1)) == 1",
      "assert f(*[1], **{'a': 2}) == [*g()]",
      "x = f(1)\nassert x == 2",
      "import os\nassert f() == 1",
      "for i in range(3): assert f(i) == i",
      "assert f(1) == 2 ** 0.5",                   // float ** is not evaluated outside
      "assert f(1) == 1j",
      "assert f() == ...",
      "print(f(1))",
      "",
      "assert isclose(f(1), g(2))",
  })
  void shapesOutsideTheSubsetAreRefused(String test) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AssertPlan.compile(test, 0));
    assertFalse(e.getMessage().isBlank());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "assert f() == 3                          | 3          | true",
      "assert f() == 3                          | 3.0        | true",
      "assert f() == 3                          | True       | false",
      "assert f() == 1                          | True       | true",
      "assert f() == (1, 2)                     | [1, 2]     | false",
      "assert f() == [1, 2]                     | [1, 2]     | true",
      "assert f() == {1: 'a', 2: 'b'}           | {2: 'b', 1: 'a'} | true",
      "assert f() == {1, 2}                     | frozenset({2, 1}) | true",
      "assert f() == float('nan')               | float('nan') | false",
      "assert f() != 3                          | 4          | true",
      "assert f()                               | [0]        | true",
      "assert f()                               | []         | false",
      "assert not f()                           | 0.0        | true",
      "assert f() is None                       | None       | true",
      "assert f() is True                       | 1          | false",
      "assert f() is not None                   | 0          | true",
      "assert 3 in f()                          | [1, 3.0]   | true",
      "assert 'b' in f()                        | 'abc'      | true",
      "assert f() in (1, 2)                     | 2          | true",
      "assert abs(f() - 3.14159) < 1e-4         | 3.1416     | true",
      "assert abs(f() - 3.14159) < 1e-6         | 3.1416     | false",
      "assert math.isclose(f(), 0.1, rel_tol=1e-9) | 0.1      | true",
      "assert isclose(f(), 1.0)                 | 1.0000000001 | true",
      "assert 0 < f() <= 10                     | 10         | true",
      "assert 0 < f() <= 10                     | 11         | false",
      "assert f() == 'ab' * 2                   | 'abab'     | true",
      "assert f() == [0] * 3                    | [0, 0, 0]  | true",
      "assert f() == 10**9 + 7                  | 1000000007 | true",
      "assert f() == -7 // 2                    | -4         | true",
      "assert f() == set()                      | set()      | true",
      "assert f() == frozenset([1, 2])          | {1, 2}     | true",
      "assert f() == float('inf')               | 1e400      | true",
      "assert f() == math.pi                    | 3.141592653589793 | true",
      "assert f() == 2**53 + 1                  | 9007199254740992.0 | false",
      "assert f() < 3                           | 'a'        | false",
  })
  void theOutsideCheckFollowsPython(String test, String returned, boolean passes) {
    assertEquals(passes, passes(test.strip(), AssertPlan.literal(returned.strip())), test + " with " + returned);
  }

  @Test
  void aValueOfAnUnmodeledTypeEqualsNothing() {
    PyValue opaque = new PyValue.Opaque("AlwaysEqual");
    assertFalse(passes("assert f() == 3", opaque));
    assertFalse(passes("assert f()", opaque));
    assertTrue(passes("assert f() != 3", opaque)); // as for any object without __eq__
  }

  @Test
  void raisedAndMissingCallsFailTheirTest() throws Exception {
    AssertPlan plan = AssertPlan.compile("assert f(1) == 2", 0);
    AssertPlan.Failure raised = assertThrows(AssertPlan.Failure.class,
        () -> plan.check(i -> new CallOutcome.Raised("ZeroDivisionError: division by zero")));
    assertTrue(raised.getMessage().contains("f(1) raised ZeroDivisionError"), raised.getMessage());
    AssertPlan.Failure missing = assertThrows(AssertPlan.Failure.class,
        () -> plan.check(i -> new CallOutcome.Missing("not run")));
    assertTrue(missing.getMessage().contains("not run"), missing.getMessage());
    AssertPlan.Failure wrong = assertThrows(AssertPlan.Failure.class,
        () -> plan.check(i -> new CallOutcome.Returned(PyValue.Num.ofInt(BigInteger.valueOf(3)))));
    assertTrue(wrong.getMessage().contains("f(1) returned 3"), wrong.getMessage());
  }
}
