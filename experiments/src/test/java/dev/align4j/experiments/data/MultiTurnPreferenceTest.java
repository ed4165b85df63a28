package dev.align4j.experiments.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.align4j.losses.DpoNormConfig;
import dev.align4j.losses.LogProbPair;
import dev.align4j.losses.PreferenceBatch;
import dev.align4j.losses.SequenceLogProbs;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.GenerationPrompt;
import dev.align4j.policies.text.TokenizedChat;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.policies.text.TuluTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-turn preference pairs score only the final assistant turn (TRL's prompt/completion split, open-instruct's
 * {@code preference_tulu_tokenize_and_truncate_v1} → {@code last_turn_tulu_tokenize_and_truncate_v1}): the earlier
 * assistant turn of the shared prompt is context, so a dpo_norm loss, which averages over scored tokens, changes
 * against the old behaviour that scored every assistant turn.
 */
@Timeout(60)
class MultiTurnPreferenceTest {
  private static final Path TINY = Path.of("../models/tiny-arith");

  @Test
  void onlyTheFinalTurnIsScoredAndDpoNormMoves(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pairs.jsonl");
    String shared = "{\"role\": \"user\", \"content\": \"12+7=\"}, {\"role\": \"assistant\", \"content\": \"19\"}, "
        + "{\"role\": \"user\", \"content\": \"19+1=\"}";
    Files.writeString(data, "{\"chosen\": [" + shared + ", {\"role\": \"assistant\", \"content\": \"20\"}], "
        + "\"rejected\": [" + shared + ", {\"role\": \"assistant\", \"content\": \"21\"}]}\n");
    PreferenceExample pair = PreferenceExample.readJsonl(data).get(0);
    assertEquals(3, pair.prompt().size());

    try (Tokenizer tok = Tokenizer.fromFolder(TINY)) {
      ChatEncoder encoder = new ChatEncoder(tok, TuluTemplate.withBos());
      EncodedPair encoded = Encoding.preferences(List.of(pair), encoder, 256).examples().get(0);

      // the scored tokens are exactly those after render(prompt, add_generation_prompt=True)
      int promptTokens = tok.encode(encoder.template().renderText(pair.prompt(), tok.specialTokens(),
          GenerationPrompt.ADD)).length;
      for (TokenizedChat side : List.of(encoded.chosen(), encoded.rejected())) {
        boolean[] mask = side.lossMask();
        for (int i = 0; i < mask.length; i++) {
          assertEquals(i >= promptTokens, mask[i], "token " + i);
        }
        assertTrue(side.lossTokenCount() >= 2, "the final answer and EOS are scored");
      }

      // the old rule (every assistant turn of prompt + chosen) also scored the earlier "19<eos>"
      TokenizedChat oldChosen = encoder.encode(concat(pair.prompt(), pair.chosen()), GenerationPrompt.OMIT, 256);
      TokenizedChat oldRejected = encoder.encode(concat(pair.prompt(), pair.rejected()), GenerationPrompt.OMIT, 256);
      assertTrue(oldChosen.lossTokenCount() > encoded.chosen().lossTokenCount());
      assertEquals(java.util.Arrays.toString(oldChosen.ids()), java.util.Arrays.toString(encoded.chosen().ids()));

      double newLoss = dpoNorm(encoded.chosen(), encoded.rejected());
      double oldLoss = dpoNorm(oldChosen, oldRejected);
      assertEquals(formula(encoded.chosen(), encoded.rejected()), newLoss, 1e-5);
      assertEquals(formula(oldChosen, oldRejected), oldLoss, 1e-5);
      assertTrue(Math.abs(newLoss - oldLoss) / oldLoss > 0.01, "new " + newLoss + " vs old " + oldLoss);
    }
  }

  private static final double BETA = 5.0;

  /** Synthetic per-token log-probs: fixed functions of the position, different per side and model. */
  private static float[] logps(int n, double scale, int period, double offset) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (-scale * (i % period) - offset);
    }
    return out;
  }

  private static double dpoNorm(TokenizedChat chosen, TokenizedChat rejected) {
    try (NDManager m = NDManager.newBaseManager()) {
      SequenceLogProbs pc = seq(m, chosen, logps(chosen.length(), 0.2, 5, 0.1));
      SequenceLogProbs rc = seq(m, chosen, logps(chosen.length(), 0.15, 3, 0.2));
      SequenceLogProbs pr = seq(m, rejected, logps(rejected.length(), 0.3, 4, 0.1));
      SequenceLogProbs rr = seq(m, rejected, logps(rejected.length(), 0.1, 6, 0.3));
      PreferenceBatch batch = PreferenceBatch.of(new LogProbPair(pc, pr), new LogProbPair(rc, rr));
      return new DpoNormConfig(BETA).create().compute(batch).meanValue();
    }
  }

  private static SequenceLogProbs seq(NDManager m, TokenizedChat chat, float[] logps) {
    return SequenceLogProbs.fromTokens(m.create(logps).reshape(1, logps.length),
        m.create(chat.lossMaskInts()).reshape(1, logps.length).toType(DataType.INT32, false));
  }

  /** open-instruct dpo_norm: -log σ(β ((mean π_c − mean ref_c) − (mean π_r − mean ref_r))), in plain doubles. */
  private static double formula(TokenizedChat chosen, TokenizedChat rejected) {
    double margin = (mean(chosen, logps(chosen.length(), 0.2, 5, 0.1)) - mean(chosen, logps(chosen.length(), 0.15, 3, 0.2)))
        - (mean(rejected, logps(rejected.length(), 0.3, 4, 0.1)) - mean(rejected, logps(rejected.length(), 0.1, 6, 0.3)));
    return Math.log1p(Math.exp(-BETA * margin));
  }

  private static double mean(TokenizedChat chat, float[] logps) {
    double sum = 0;
    int n = 0;
    boolean[] mask = chat.lossMask();
    for (int i = 0; i < mask.length; i++) {
      if (mask[i]) {
        sum += logps[i];
        n++;
      }
    }
    return sum / n;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
