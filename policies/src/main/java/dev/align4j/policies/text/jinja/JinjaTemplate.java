package dev.align4j.policies.text.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Jinja chat template rendered the way {@code transformers.apply_chat_template} renders it.
 *
 * <p>Environment (transformers' {@code _compile_jinja_template}): {@code trim_blocks=True},
 * {@code lstrip_blocks=True}, loop controls ({@code break}/{@code continue}), {@code raise_exception(msg)},
 * {@code strftime_now(fmt)}, {@code tojson} as {@code json.dumps(ensure_ascii=False, indent, separators, sort_keys)},
 * and {@code {% generation %}} blocks whose output spans are returned with the text. Python semantics where Jinjava
 * differs: see the package documentation. Undefined variables render as nothing and are false, as in Jinja.
 *
 * <pre>{@code
 * JinjaTemplate t = JinjaTemplate.compile(source, "tokenizer_config.json: chat_template");
 * JinjaTemplate.Output out = t.render(Map.of("messages", messages, "add_generation_prompt", false, "bos_token", "<s>"));
 * }</pre>
 *
 * <p>Not reproduced: Python's printing of {@code None}/{@code True} inside {@code {{ }}} (Jinjava prints nothing and
 * {@code true}); templates that print booleans or None directly differ. Thread-safe.
 */
public final class JinjaTemplate {
  private static final Jinjava JINJAVA = newEnvironment();

  private final String source;
  private final String prepared;
  private final String origin;

  private JinjaTemplate(String source, String origin) {
    this.source = source;
    this.origin = origin;
    this.prepared = prepare(source);
  }

  /**
   * @param source the template text
   * @param origin where the template came from, for error messages (e.g. {@code "MODEL/tokenizer_config.json"})
   * @throws TemplateException when the template does not parse
   */
  public static JinjaTemplate compile(String source, String origin) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(origin, "origin");
    JinjaTemplate t = new JinjaTemplate(source, origin);
    t.checkSyntax();
    return t;
  }

  /** The template text as given. */
  public String source() {
    return source;
  }

  /**
   * Rendered text plus the {@code {% generation %}} spans.
   *
   * @param text the rendered string
   * @param generationSpans {@code [start, end)} UTF-16 offsets into {@code text}, one per generation block rendered
   */
  public record Output(String text, List<int[]> generationSpans) {
    public Output {
      Objects.requireNonNull(text, "text");
      generationSpans = List.copyOf(generationSpans);
    }
  }

  /**
   * Renders with the given variables ({@code messages}, {@code add_generation_prompt}, {@code bos_token}, ...).
   *
   * @throws TemplateException when the template calls {@code raise_exception} or fails while rendering
   */
  public Output render(Map<String, ?> variables) {
    RenderResult result = JINJAVA.renderForResult(prepared, variables);
    for (TemplateError e : result.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        Throwable cause = e.getException();
        while (cause != null && !(cause instanceof PythonLibrary.TemplateRaised)) {
          cause = cause.getCause();
        }
        if (cause != null) {
          throw new TemplateException(origin + ": the template raised: " + cause.getMessage(), true);
        }
        throw new TemplateException(origin + ": line " + e.getLineno() + ": " + e.getMessage(), false);
      }
    }
    return spans(result.getOutput());
  }

  private Output spans(String marked) {
    StringBuilder text = new StringBuilder(marked.length());
    List<int[]> spans = new ArrayList<>();
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < marked.length(); i++) {
      char c = marked.charAt(i);
      if (c == GenerationTag.START) {
        open.add(text.length());
      } else if (c == GenerationTag.END) {
        int start = open.remove(open.size() - 1);
        if (open.isEmpty()) {
          spans.add(new int[] {start, text.length()});
        }
      } else {
        text.append(c);
      }
    }
    if (!open.isEmpty()) {
      throw new TemplateException(origin + ": unbalanced {% generation %} output", false);
    }
    return new Output(text.toString(), spans);
  }

  private void checkSyntax() {
    RenderResult result = JINJAVA.renderForResult("{% if false %}" + prepared + "{% endif %}", Map.of());
    for (TemplateError e : result.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new TemplateException(origin + ": not a valid Jinja template: line " + e.getLineno() + ": "
            + e.getMessage(), false);
      }
    }
  }

  /** Rewrites Python syntax that Jinjava's parser reads differently (see {@link PySyntax}). */
  private static String prepare(String source) {
    return PySyntax.rewriteTemplate(source);
  }

  private static Jinjava newEnvironment() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonMethods());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        .withFailOnUnknownTokens(false)
        .withElResolver(resolver)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseTrimmingForNotesAndExpressions(true)
            .withParseWhitespaceControlStrictly(true)
            .withEvaluateMapKeys(true)
            .withIterateOverMapKeys(true)
            .withKeepNullableLoopValues(true)
            .build())
        .build();
    Jinjava jinjava = new Jinjava(config);
    PythonLibrary.functions().forEach(jinjava::registerFunction);
    PythonLibrary.filters().forEach(jinjava::registerFilter);
    PythonLibrary.tests().forEach(jinjava::registerExpTest);
    jinjava.registerTag(new GenerationTag());
    return jinjava;
  }
}
