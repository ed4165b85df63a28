package dev.align4j.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.experiments.train.RunRandom;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.generate.Generator;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the demo's data files in the formats the experiments read: SFT {@code {"prompt","completion"}}, math
 * prompts {@code {"id","prompt","gold"}}, and preference pairs {@code {"prompt","chosen","rejected"}} whose
 * rejected answer is one of the model's own wrong samples (temperature 1), or, when all its samples were right,
 * the correct answer off by one or ten.
 */
final class DemoData {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SAMPLES_PER_PROBLEM = 4;

  private DemoData() {}

  static Path writeSft(Path file, List<Problem> problems) {
    try (AtomicOutput out = AtomicOutput.create(file)) {
      for (Problem p : problems) {
        out.writeJsonLine(JSON.createObjectNode().put("prompt", p.question()).put("completion", p.answer()));
      }
      out.commit();
    }
    return file;
  }

  static Path writePrompts(Path file, List<Problem> problems) {
    try (AtomicOutput out = AtomicOutput.create(file)) {
      for (Problem p : problems) {
        out.writeJsonLine(JSON.createObjectNode().put("id", p.question()).put("prompt", p.question())
            .put("gold", p.answer()));
      }
      out.commit();
    }
    return file;
  }

  /** Preference pairs: correct answer vs one of the model's wrong samples (or a near miss). */
  static Path writePreferences(Path file, List<Problem> problems, LlamaModel model, ChatEncoder encoder,
      RunRandom rng) {
    List<int[]> prompts = new ArrayList<>();
    for (Problem p : problems) {
      for (int k = 0; k < SAMPLES_PER_PROBLEM; k++) {
        prompts.add(HeldOutAccuracy.promptTokens(encoder, p));
      }
    }
    List<int[]> samples = Generator.generate(model, prompts,
        new GenerationConfig(HeldOutAccuracy.MAX_NEW_TOKENS, 1.0, 1.0, rng.nextLong(), true));
    try (AtomicOutput out = AtomicOutput.create(file)) {
      for (int i = 0; i < problems.size(); i++) {
        Problem p = problems.get(i);
        String rejected = nearMiss(p, rng);
        for (int k = 0; k < SAMPLES_PER_PROBLEM; k++) {
          String s = encoder.tokenizer().decode(samples.get(i * SAMPLES_PER_PROBLEM + k),
              Tokenizer.SpecialTokenText.SKIP);
          if (!s.isBlank() && !s.equals(p.answer())) {
            rejected = s;
            break;
          }
        }
        ObjectNode line = JSON.createObjectNode().put("prompt", p.question()).put("chosen", p.answer())
            .put("rejected", rejected);
        out.writeJsonLine(line);
      }
      out.commit();
    }
    return file;
  }

  private static String nearMiss(Problem p, RunRandom rng) {
    int[] offsets = {1, -1, 10, -10};
    int wrong = p.a() + p.b() + offsets[rng.nextInt(offsets.length)];
    return Integer.toString(wrong < 0 ? p.a() + p.b() + 1 : wrong);
  }
}
