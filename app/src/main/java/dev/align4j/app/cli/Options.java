package dev.align4j.app.cli;

import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.core.JsonLine;
import dev.align4j.policies.llama.ComputeDevice;
import dev.align4j.policies.llama.ComputeDtype;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.llama.MemoryEstimate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks of command-line option values, shared by every command (and the Spark ones): each failure is a
 * {@link BadInputException} naming the option ({@code --batch-size: must be >= 1, got 0}), exit code 2. Commands
 * call these first, before reading input or loading a model.
 */
public final class Options {
  private Options() {}

  /** {@code value >= min}. */
  public static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw BadInputException.option(option, "must be >= " + min + ", got " + value);
    }
  }

  /** {@code min <= value <= max}. */
  public static void inRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw BadInputException.option(option, "must be in [" + min + ", " + max + "], got " + value);
    }
  }

  /**
   * Refuses, before anything is allocated, a line whose work would not fit in memory: on its own (an error on the
   * line's {@code field}) or in a batch of {@code --batch-size} such lines (an error on the option).
   */
  public static void fits(JsonLine line, String field, MemoryEstimate alone, MemoryEstimate batched) {
    if (!alone.fits()) {
      throw line.error(field, alone.describe());
    }
    if (!batched.fits()) {
      throw BadInputException.option("--batch-size", batched.describe() + " (line " + line.line() + "); lower it");
    }
  }

  /** An output file that can be written (not a directory, its folder creatable). */
  public static void output(String option, Path path) {
    AtomicOutput.checkTarget(path, option);
  }

  /**
   * {@code --device} and {@code --dtype} as load options, checked up front: fp16/bf16 on the CPU, or a GPU that is
   * not there, are errors naming the option.
   */
  public static LoadOptions loadOptions(String device, String dtype) {
    ComputeDevice d = choice(ComputeDevice.class, "--device", device);
    ComputeDtype t = choice(ComputeDtype.class, "--dtype", dtype);
    LoadOptions options;
    try {
      options = new LoadOptions(d, t);
    } catch (IllegalArgumentException e) {
      throw BadInputException.option("--dtype", e.getMessage());
    }
    try {
      options.djlDevice();
    } catch (IllegalArgumentException e) {
      throw BadInputException.option("--device", e.getMessage());
    }
    return options;
  }

  /** The constant of {@code type} whose lower-case name is {@code value}. */
  public static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
    List<String> allowed = new ArrayList<>();
    for (E c : type.getEnumConstants()) {
      String name = c.name().toLowerCase(Locale.ROOT);
      if (c.name().equalsIgnoreCase(value)) {
        return c;
      }
      allowed.add(name);
    }
    throw BadInputException.option(option, "unknown value '" + value + "' (allowed: " + String.join(", ", allowed) + ")");
  }
}
