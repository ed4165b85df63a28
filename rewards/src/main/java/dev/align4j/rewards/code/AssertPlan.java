package dev.align4j.rewards.code;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * An assert-style test split at the trust boundary. The sandbox evaluates only the <em>calls</em>: the maximal
 * sub-expressions built from names, attribute access, calls and subscripts ({@code f(2, [1, 3])},
 * {@code Solution().twoSum([2, 7], 9)}, {@code sorted(g(x))[0]}), whose literals are the inputs of the calls. Everything
 * around them (literals, displays, arithmetic, {@code abs}, {@code math.isclose}, comparisons, {@code not/and/or},
 * and {@code set frozenset list tuple dict float} of literals) is evaluated here, on the values the calls returned,
 * with CPython's semantics ({@link PyOps}). So in {@code assert f(2) == 4}, {@code abs(f(x) - 3.14) < 1e-6} or
 * {@code 7 in f(1)} the 4, 3.14, 1e-6 and 7 never enter the sandbox.
 *
 * <p>Refused (an {@link IllegalArgumentException} naming why), because the expected side would have to be computed
 * by code the solution controls: a comparison whose two sides both depend on calls ({@code f(1) == sorted([2, 1])},
 * {@code f(1) == f(2)}); {@code is} against anything but None/True/False; arithmetic, comparisons or boolean operators
 * inside a call's arguments ({@code f(n - 1)}, {@code f(x == 1)}), where the solution would see the other operand.
 */
final class AssertPlan {
  private static final Set<String> CONSTRUCTORS = Set.of("set", "frozenset", "list", "tuple", "dict", "float");
  private static final Map<String, PyValue> MATH_CONSTANTS = Map.of(
      "inf", PyValue.Num.ofFloat(Double.POSITIVE_INFINITY), "nan", PyValue.Num.ofFloat(Double.NaN),
      "pi", PyValue.Num.ofFloat(Math.PI), "e", PyValue.Num.ofFloat(Math.E), "tau", PyValue.Num.ofFloat(2 * Math.PI));

  /** The expression tree evaluated outside the sandbox. */
  private sealed interface Node {
    /** Whether nothing in this node comes from the sandbox. */
    boolean trusted();
  }

  private record Lit(PyValue value) implements Node {
    public boolean trusted() {
      return true;
    }
  }

  private record Call(int index, String source) implements Node {
    public boolean trusted() {
      return false;
    }
  }

  private record Composite(Kind kind, String op, List<Node> parts, Optional<PyExpr.Display.Kind> display)
      implements Node {
    enum Kind { UNARY, BINARY, DISPLAY, DICT, COMPARE, AND, OR, ABS, ISCLOSE, CONSTRUCT }

    public boolean trusted() {
      return parts.stream().allMatch(Node::trusted);
    }
  }

  /** A failed check: why, for the verdict's detail. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }

    Failure(IllegalArgumentException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private final List<Node> asserts;
  private final List<String> calls;

  private AssertPlan(List<Node> asserts, List<String> calls) {
    this.asserts = asserts;
    this.calls = calls;
  }

  /**
   * Compiles a test's statements; its calls are numbered from {@code firstCall} in evaluation order.
   *
   * @throws IllegalArgumentException when the test is not of an accepted shape
   */
  static AssertPlan compile(String test, int firstCall) {
    List<String> calls = new ArrayList<>();
    List<Node> asserts = new ArrayList<>();
    Compiler c = new Compiler(firstCall, calls);
    for (PyExpr e : PyParser.parseAsserts(test)) {
      asserts.add(c.node(e));
    }
    return new AssertPlan(asserts, calls);
  }

  /**
   * The value of an expression made of literals only, as the trusted side evaluates it ({@code [0] * 3},
   * {@code float('nan')}, {@code frozenset({1, 2})}).
   *
   * @throws IllegalArgumentException when it is not such an expression or CPython would raise
   */
  static PyValue literal(String source) {
    Node n = new Compiler(0, new ArrayList<>()).node(PyParser.parseExpression(source));
    if (!n.trusted()) {
      throw new IllegalArgumentException("not a literal: " + source);
    }
    try {
      return eval(n, i -> {
        throw new IllegalStateException("no calls");
      });
    } catch (Failure f) {
      throw new IllegalArgumentException(f.getMessage());
    }
  }

  /** The canonical source of each call, in order (numbered from the {@code firstCall} given to compile). */
  List<String> calls() {
    return List.copyOf(calls);
  }

  /**
   * Evaluates every assert of the test on the calls' outcomes.
   *
   * @throws Failure naming the first assert that does not hold and why
   */
  void check(IntFunction<CallOutcome> outcomes) throws Failure {
    try {
      checkAll(outcomes);
    } catch (RuntimeException | StackOverflowError bug) { // never a pass, whatever the values were
      throw new Failure("the check could not be evaluated: " + bug);
    }
  }

  private void checkAll(IntFunction<CallOutcome> outcomes) throws Failure {
    for (Node a : asserts) {
      PyValue v = eval(a, outcomes);
      boolean ok;
      try {
        ok = v.truthy();
      } catch (IllegalArgumentException e) {
        throw new Failure(e.getMessage());
      }
      if (!ok) {
        throw new Failure(explain(a, outcomes));
      }
    }
  }

  private static PyValue eval(Node n, IntFunction<CallOutcome> outcomes) throws Failure {
    if (n instanceof Lit l) {
      return l.value();
    }
    if (n instanceof Call c) {
      CallOutcome o = outcomes.apply(c.index());
      if (o instanceof CallOutcome.Returned r) {
        return r.value();
      }
      throw new Failure(c.source() + (o instanceof CallOutcome.Raised r ? " raised " + r.message()
          : ": " + ((CallOutcome.Missing) o).why()));
    }
    Composite k = (Composite) n;
    try {
      switch (k.kind()) {
        case AND, OR -> {
          PyValue last = null;
          for (Node p : k.parts()) {
            last = eval(p, outcomes);
            if (last.truthy() != (k.kind() == Composite.Kind.AND)) {
              return last;
            }
          }
          return last;
        }
        case COMPARE -> {
          PyValue left = eval(k.parts().get(0), outcomes);
          String[] ops = k.op().split(",");
          for (int i = 0; i < ops.length; i++) {
            PyValue right = eval(k.parts().get(i + 1), outcomes);
            if (!PyOps.compare(PyExpr.Compare.CmpOp.valueOf(ops[i]), left, right)) {
              return PyValue.Num.FALSE;
            }
            left = right;
          }
          return PyValue.Num.TRUE;
        }
        default -> {
          List<PyValue> v = new ArrayList<>();
          for (Node p : k.parts()) {
            v.add(eval(p, outcomes));
          }
          return switch (k.kind()) {
            case UNARY -> PyOps.unary(PyExpr.Unary.Op.valueOf(k.op()), v.get(0));
            case BINARY -> PyOps.binary(PyExpr.Binary.Op.valueOf(k.op()), v.get(0), v.get(1));
            case ABS -> PyOps.abs(v.get(0));
            case ISCLOSE -> PyValue.Num.ofBool(PyOps.isClose(v.get(0), v.get(1), tolerance(v.get(2)),
                tolerance(v.get(3))));
            case CONSTRUCT -> PyOps.construct(k.op(), v);
            case DISPLAY -> switch (k.display().orElseThrow()) {
              case LIST -> new PyValue.Seq(false, v);
              case TUPLE -> new PyValue.Seq(true, v);
              case SET -> PyOps.set(false, v);
            };
            case DICT -> {
              Map<PyValue, PyValue> m = new LinkedHashMap<>();
              for (int i = 0; i < v.size(); i += 2) {
                PyOps.put(m, v.get(i), v.get(i + 1));
              }
              yield new PyValue.Dict(m);
            }
            default -> throw new IllegalStateException(k.kind().name());
          };
        }
      }
    } catch (IllegalArgumentException e) {
      throw new Failure(e);
    }
  }

  private static double tolerance(PyValue v) {
    if (!(v instanceof PyValue.Num n)) {
      throw new IllegalArgumentException("TypeError: must be real number, not " + v.typeName());
    }
    return n.asDouble();
  }

  /** "f(2) == 4 is false: f(2) returned 5" for the first comparison that fails, else a generic message. */
  private static String explain(Node n, IntFunction<CallOutcome> outcomes) {
    List<String> got = new ArrayList<>();
    collectCalls(n, outcomes, got);
    String values = got.isEmpty() ? "" : ": " + String.join(", ", got);
    return "assert " + render(n) + " failed" + values;
  }

  private static void collectCalls(Node n, IntFunction<CallOutcome> outcomes, List<String> out) {
    if (n instanceof Call c && outcomes.apply(c.index()) instanceof CallOutcome.Returned r) {
      out.add(c.source() + " returned " + abbreviate(r.value().repr()));
    } else if (n instanceof Composite k) {
      for (Node p : k.parts()) {
        collectCalls(p, outcomes, out);
      }
    }
  }

  private static String render(Node n) {
    if (n instanceof Lit l) {
      return abbreviate(l.value().repr());
    }
    if (n instanceof Call c) {
      return c.source();
    }
    Composite k = (Composite) n;
    List<String> p = k.parts().stream().map(AssertPlan::render).toList();
    return switch (k.kind()) {
      case UNARY -> PyExpr.Unary.Op.valueOf(k.op()).symbol + p.get(0);
      case BINARY -> "(" + p.get(0) + " " + PyExpr.Binary.Op.valueOf(k.op()).symbol + " " + p.get(1) + ")";
      case AND -> "(" + String.join(" and ", p) + ")";
      case OR -> "(" + String.join(" or ", p) + ")";
      case ABS -> "abs(" + p.get(0) + ")";
      case ISCLOSE -> "isclose(" + p.get(0) + ", " + p.get(1) + ", rel_tol=" + p.get(2) + ", abs_tol=" + p.get(3) + ")";
      case CONSTRUCT -> k.op() + "(" + String.join(", ", p) + ")";
      case DISPLAY, DICT -> "<" + k.kind().name().toLowerCase(java.util.Locale.ROOT) + ">";
      case COMPARE -> {
        String[] ops = k.op().split(",");
        StringBuilder b = new StringBuilder(p.get(0));
        for (int i = 0; i < ops.length; i++) {
          b.append(' ').append(PyExpr.Compare.CmpOp.valueOf(ops[i]).symbol).append(' ').append(p.get(i + 1));
        }
        yield b.toString();
      }
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** Splits expressions at the trust boundary, numbering calls in Python's evaluation order. */
  private static final class Compiler {
    private final int first;
    private final List<String> calls;

    Compiler(int first, List<String> calls) {
      this.first = first;
      this.calls = calls;
    }

    /** The node for {@code e}; a subtree of literals only is evaluated now (refused if it cannot be). */
    Node node(PyExpr e) {
      Node n = build(e);
      if (n instanceof Composite k && k.trusted() && k.kind() != Composite.Kind.COMPARE
          && k.kind() != Composite.Kind.AND && k.kind() != Composite.Kind.OR) {
        try {
          return new Lit(eval(k, i -> {
            throw new IllegalStateException("a literal subtree has no calls");
          }));
        } catch (Failure f) {
          if (f.getCause() instanceof PyOps.Unsupported u) {
            throw new IllegalArgumentException("cannot evaluate '" + e.source() + "' outside the sandbox: "
                + u.getMessage());
          }
          return n; // CPython raises too (ZeroDivisionError, TypeError): the test fails when checked
        }
      }
      return n;
    }

    private Node build(PyExpr e) {
      if (e instanceof PyExpr.Const c) {
        return new Lit(c.value());
      }
      if (e instanceof PyExpr.Display d) {
        return new Composite(Composite.Kind.DISPLAY, "", d.items().stream().map(this::node).toList(),
            Optional.of(d.kind()));
      }
      if (e instanceof PyExpr.DictDisplay d) {
        List<Node> parts = new ArrayList<>();
        for (int i = 0; i < d.keys().size(); i++) {
          parts.add(node(d.keys().get(i)));
          parts.add(node(d.values().get(i)));
        }
        return new Composite(Composite.Kind.DICT, "", parts, Optional.empty());
      }
      if (e instanceof PyExpr.Unary u) {
        return new Composite(Composite.Kind.UNARY, u.op().name(), List.of(node(u.operand())), Optional.empty());
      }
      if (e instanceof PyExpr.Binary b) {
        return new Composite(Composite.Kind.BINARY, b.op().name(), List.of(node(b.left()), node(b.right())),
            Optional.empty());
      }
      if (e instanceof PyExpr.BoolOp b) {
        return new Composite(b.and() ? Composite.Kind.AND : Composite.Kind.OR, "",
            b.operands().stream().map(this::node).toList(), Optional.empty());
      }
      if (e instanceof PyExpr.Compare c) {
        return compare(c);
      }
      if (e instanceof PyExpr.Attribute a && a.object() instanceof PyExpr.Name m && m.id().equals("math")
          && MATH_CONSTANTS.containsKey(a.name())) {
        return new Lit(MATH_CONSTANTS.get(a.name()));
      }
      if (e instanceof PyExpr.Call call) {
        Optional<Node> outside = outsideCall(call);
        if (outside.isPresent()) {
          return outside.get();
        }
      }
      if (e instanceof PyExpr.Slice) {
        throw new IllegalArgumentException("a slice outside a subscript");
      }
      return sandboxCall(e);
    }

    private Node compare(PyExpr.Compare c) {
      List<Node> operands = c.operands().stream().map(this::node).toList();
      for (int i = 0; i < c.ops().size(); i++) {
        Node l = operands.get(i);
        Node r = operands.get(i + 1);
        PyExpr.Compare.CmpOp op = c.ops().get(i);
        if (!l.trusted() && !r.trusted()) {
          throw new IllegalArgumentException("both sides of '" + op.symbol + "' depend on the solution ("
              + c.operands().get(i).source() + " " + op.symbol + " " + c.operands().get(i + 1).source()
              + "); one side must be a literal so that the expected value stays outside the sandbox");
        }
        if ((op == PyExpr.Compare.CmpOp.IS || op == PyExpr.Compare.CmpOp.IS_NOT)
            && !(isSingleton(l) || isSingleton(r))) {
          throw new IllegalArgumentException("'" + op.symbol + "' is only accepted against None, True or False");
        }
      }
      String ops = String.join(",", c.ops().stream().map(Enum::name).toList());
      return new Composite(Composite.Kind.COMPARE, ops, operands, Optional.empty());
    }

    private static boolean isSingleton(Node n) {
      return n instanceof Lit l && (l.value() instanceof PyValue.None
          || l.value() instanceof PyValue.Num num && num.kind() == PyValue.Num.Kind.BOOL);
    }

    /** abs(x), math.isclose(a, b, ...), and constructors of literals: evaluated here. */
    private Optional<Node> outsideCall(PyExpr.Call call) {
      String name = call.function() instanceof PyExpr.Name n ? n.id()
          : call.function() instanceof PyExpr.Attribute a && a.object() instanceof PyExpr.Name m
              && m.id().equals("math") ? "math." + a.name() : "";
      List<PyExpr.Arg> args = call.args();
      boolean positionalOnly = args.stream().allMatch(a -> a.kind() == PyExpr.Arg.Kind.POSITIONAL);
      if (name.equals("abs") && args.size() == 1 && positionalOnly) {
        return Optional.of(new Composite(Composite.Kind.ABS, "", List.of(node(args.get(0).value())),
            Optional.empty()));
      }
      if (name.equals("isclose") || name.equals("math.isclose")) {
        return Optional.of(isClose(args));
      }
      if (CONSTRUCTORS.contains(name) && positionalOnly && args.size() <= 1) {
        List<Node> parts = args.stream().map(a -> node(a.value())).toList();
        if (parts.stream().allMatch(Node::trusted)) {
          return Optional.of(new Composite(Composite.Kind.CONSTRUCT, name, parts, Optional.empty()));
        }
      }
      return Optional.empty();
    }

    private Node isClose(List<PyExpr.Arg> args) {
      List<Node> positional = new ArrayList<>();
      Node rel = new Lit(PyValue.Num.ofFloat(1e-9));
      Node abs = new Lit(PyValue.Num.ofFloat(0.0));
      for (PyExpr.Arg a : args) {
        if (a.kind() == PyExpr.Arg.Kind.POSITIONAL && positional.size() < 2) {
          positional.add(node(a.value()));
        } else if (a.kind() == PyExpr.Arg.Kind.KEYWORD && a.keyword().orElseThrow().equals("rel_tol")) {
          rel = node(a.value());
        } else if (a.kind() == PyExpr.Arg.Kind.KEYWORD && a.keyword().orElseThrow().equals("abs_tol")) {
          abs = node(a.value());
        } else {
          throw new IllegalArgumentException("isclose takes two numbers and the keywords rel_tol and abs_tol");
        }
      }
      if (positional.size() != 2) {
        throw new IllegalArgumentException("isclose takes two numbers and the keywords rel_tol and abs_tol");
      }
      if (!rel.trusted() || !abs.trusted() || (!positional.get(0).trusted() && !positional.get(1).trusted())) {
        throw new IllegalArgumentException("isclose needs a literal on one side and literal tolerances, so that the"
            + " expected value stays outside the sandbox");
      }
      return new Composite(Composite.Kind.ISCLOSE, "", List.of(positional.get(0), positional.get(1), rel, abs),
          Optional.empty());
    }

    /** A sub-expression the sandbox evaluates; only inputs (literals as arguments or indices) may be inside it. */
    private Node sandboxCall(PyExpr e) {
      if (!(e instanceof PyExpr.Name || e instanceof PyExpr.Attribute || e instanceof PyExpr.Call
          || e instanceof PyExpr.Subscript)) {
        throw new IllegalArgumentException("cannot evaluate '" + e.source() + "' outside the sandbox");
      }
      checkInside(e, false);
      int index = first + calls.size();
      calls.add(e.source());
      return new Call(index, e.source());
    }

    /** Whether {@code e} may be evaluated inside the sandbox; {@code input}: e is an argument or an index. */
    private static void checkInside(PyExpr e, boolean input) {
      if (e instanceof PyExpr.Name) {
        return;
      }
      if (e instanceof PyExpr.Attribute a) {
        checkInside(a.object(), false);
      } else if (e instanceof PyExpr.Call c) {
        checkInside(c.function(), false);
        for (PyExpr.Arg a : c.args()) {
          checkInside(a.value(), true);
        }
      } else if (e instanceof PyExpr.Subscript s) {
        checkInside(s.object(), false);
        checkInside(s.index(), true);
      } else if (input && e instanceof PyExpr.Slice s) {
        s.lower().ifPresent(x -> checkInside(x, true));
        s.upper().ifPresent(x -> checkInside(x, true));
        s.step().ifPresent(x -> checkInside(x, true));
      } else if (input && e instanceof PyExpr.Const) {
        return;
      } else if (input && e instanceof PyExpr.Display d) {
        d.items().forEach(x -> checkInside(x, true));
      } else if (input && e instanceof PyExpr.DictDisplay d) {
        d.keys().forEach(x -> checkInside(x, true));
        d.values().forEach(x -> checkInside(x, true));
      } else if (input && (e instanceof PyExpr.Unary || e instanceof PyExpr.Binary) && literalArithmetic(e)) {
        return; // f(-1), f(10**9 + 7): an input computed from literals only
      } else {
        throw new IllegalArgumentException("'" + e.source() + "' inside a call is not accepted: only names,"
            + " calls, attribute access, subscripts and literals may be evaluated in the sandbox");
      }
    }

    private static boolean literalArithmetic(PyExpr e) {
      if (e instanceof PyExpr.Const) {
        return true;
      }
      if (e instanceof PyExpr.Unary u) {
        return u.op() != PyExpr.Unary.Op.NOT && literalArithmetic(u.operand());
      }
      return e instanceof PyExpr.Binary b && literalArithmetic(b.left()) && literalArithmetic(b.right());
    }
  }
}
