package dev.align4j.policies.text.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.policies.text.jinja.ChatTemplateFixtures.Case;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jinjava, configured by {@link JinjaTemplate}, renders every committed fixture case exactly as Python's Jinja2
 * configured like transformers did ({@code chat-templates/generate.py} wrote expected.jsonl): same text, same
 * {@code {% generation %}} spans, and the same {@code raise_exception} message.
 */
@Timeout(60)
class JinjaTemplateFixtureTest {

  static Stream<Case> cases() {
    return ChatTemplateFixtures.cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersLikePythonJinja(Case c) {
    JinjaTemplate template = JinjaTemplate.compile(ChatTemplateFixtures.templateSource(c.template()), c.template());
    if (c.row().has("error")) {
      TemplateException e = assertThrows(TemplateException.class,
          () -> template.render(ChatTemplateFixtures.variables(c)));
      assertTrue(e.raisedByTemplate(), e.getMessage());
      assertTrue(e.getMessage().endsWith(c.row().get("error").asText()), e.getMessage());
      return;
    }
    JinjaTemplate.Output out = template.render(ChatTemplateFixtures.variables(c));
    String expected = c.row().get("text").asText();
    assertEquals(expected, out.text());
    assertEquals(show(ChatTemplateFixtures.spans(c.row(), "generation_spans", expected)), show(out.generationSpans()));
  }

  @Test
  void everyTemplateOfTheManifestIsCovered() {
    List<String> covered = cases().map(Case::template).distinct().sorted().toList();
    List<String> manifest = new java.util.ArrayList<>();
    ChatTemplateFixtures.manifest().fieldNames().forEachRemaining(manifest::add);
    assertEquals(manifest.stream().sorted().toList(), covered);
    assertTrue(cases().count() >= 80, "fixture cases: " + cases().count());
  }

  static String show(List<int[]> spans) {
    return spans.stream().map(s -> "[" + s[0] + "," + s[1] + ")").collect(Collectors.joining(" "));
  }
}
