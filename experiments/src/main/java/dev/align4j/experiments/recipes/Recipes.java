package dev.align4j.experiments.recipes;

import dev.align4j.policies.text.ChatTemplate;

/** Validation helpers shared by the recipe configs (messages name the JSON field and the allowed range). */
final class Recipes {
  private Recipes() {}

  static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
    }
  }

  /** {@code model}, a {@code .jinja} file, or a registered template name ({@link ChatTemplate#checkSpec}). */
  static void requireTemplate(String spec) {
    ChatTemplate.checkSpec(spec);
  }
}
