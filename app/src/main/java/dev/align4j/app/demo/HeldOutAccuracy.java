package dev.align4j.app.demo;

import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.generate.Generator;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.ChatMessage;
import dev.align4j.policies.text.GenerationPrompt;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.rewards.Verdict;
import dev.align4j.rewards.math.MathVerifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy on problems: the model answers each question greedily (temperature 0) in the chat format and the math
 * verifier checks the decoded answer against {@code a + b}; accuracy = correct / problems.
 */
public final class HeldOutAccuracy {
  /** Longest answer (3 digits) plus EOS, with a little slack. */
  static final int MAX_NEW_TOKENS = 6;
  private static final int BATCH = 100;

  private HeldOutAccuracy() {}

  /** Prompt tokens of a problem: the user turn and the open assistant header. */
  public static int[] promptTokens(ChatEncoder encoder, Problem p) {
    return encoder.encode(List.of(ChatMessage.user(p.question())), GenerationPrompt.ADD).ids();
  }

  /** The fraction of {@code problems} the model answers correctly. */
  public static double measure(LlamaModel model, ChatEncoder encoder, List<Problem> problems) {
    MathVerifier verifier = new MathVerifier();
    int correct = 0;
    for (int from = 0; from < problems.size(); from += BATCH) {
      List<Problem> chunk = problems.subList(from, Math.min(problems.size(), from + BATCH));
      List<int[]> prompts = new ArrayList<>();
      for (Problem p : chunk) {
        prompts.add(promptTokens(encoder, p));
      }
      List<int[]> answers = Generator.generate(model, prompts,
          GenerationConfig.greedy(MAX_NEW_TOKENS).withStopAtEos(true));
      for (int i = 0; i < chunk.size(); i++) {
        String text = encoder.tokenizer().decode(answers.get(i), Tokenizer.SpecialTokenText.SKIP);
        if (verifier.verify(text, chunk.get(i).answer()).status() == Verdict.Status.CORRECT) {
          correct++;
        }
      }
    }
    return (double) correct / problems.size();
  }
}
