package dev.align4j.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.JsonLine;
import dev.align4j.rewards.config.CodeRewardConfig;
import dev.align4j.rewards.config.IfEvalRewardConfig;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;

/**
 * The checkers of {@code verify} (single-machine and {@code spark verify}) and {@code spark bon-score}: the
 * reference fields each reads from an input line ({@code gold}, {@code tests} or {@code constraints}) and how they
 * become a {@link CheckTarget}. One place for the validation and its messages, so every command rejects the same
 * lines with the same file:line:field error.
 */
public enum Checker {
  MATH(Set.of("gold")) {
    @Override
    public CheckTarget target(JsonLine line, long timeoutMs) {
      JsonNode g = line.require("gold");
      if (g.isTextual() || g.isNumber()) {
        return new CheckTarget.Gold(g.asText());
      }
      throw line.error("gold", "must be a string or a number");
    }
  },
  CODE(Set.of("tests")) {
    @Override
    public CheckTarget target(JsonLine line, long timeoutMs) {
      return new CheckTarget.Tests(CodeRewardConfig.tests(line), timeoutMs);
    }
  },
  IFEVAL(Set.of("constraints")) {
    @Override
    public CheckTarget target(JsonLine line, long timeoutMs) {
      return new CheckTarget.Constraints(IfEvalRewardConfig.constraints(line));
    }
  };

  private final Set<String> referenceFields;

  Checker(Set<String> referenceFields) {
    this.referenceFields = referenceFields;
  }

  /** Parses the row's reference fields; throws {@code BadInputException} naming the field. */
  public abstract CheckTarget target(JsonLine line, long timeoutMs);

  /** The fields this checker reads besides the response(s). */
  public Set<String> referenceFields() {
    return referenceFields;
  }

  /** The fields an input line may hold: {@code id}, {@code responseField} and the reference fields. */
  public Set<String> lineFields(String responseField) {
    Set<String> fields = new HashSet<>(referenceFields);
    fields.add("id");
    fields.add(responseField);
    return fields;
  }

  /** The name used on the command line. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code --checker math|code|ifeval}. */
  public static final class Converter implements CommandLine.ITypeConverter<Checker> {
    @Override
    public Checker convert(String value) {
      for (Checker c : values()) {
        if (c.wireName().equals(value)) {
          return c;
        }
      }
      throw new CommandLine.TypeConversionException("--checker must be math, code or ifeval, got '" + value + "'");
    }
  }
}
