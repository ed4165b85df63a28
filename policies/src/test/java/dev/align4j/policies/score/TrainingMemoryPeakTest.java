package dev.align4j.policies.score;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.policies.testing.PeakMemory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peak native memory of a training step, measured in a fresh JVM ({@link TrainingPeakProbe}, {@code VmHWM}).
 *
 * <p>Log-probs: the one-pass path keeps every chunk's log-softmax [rows, vocab] for backward, so its peak grows by
 * at least {@code ΔN × vocab × 4} bytes from N = 256 to N = 2048 scored tokens (rows of 256, vocab 32000: 229 MB;
 * measured 270 MB); the chunked path's peak grows only with the activations (measured 48 MB, mostly attention of
 * 8 rows × 256 tokens).
 *
 * <p>Attention and checkpointing: with 8 layers and one row of 1024 tokens, eager attention keeps every layer's
 * probabilities [4, 1024, 1024] and blockwise attention none; checkpointing keeps one layer's activations instead
 * of eight.
 */
class TrainingMemoryPeakTest {
  static final int VOCAB = 32000;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void chunkedLogProbsPeakDoesNotGrowWithTokensTimesVocab() {
    List<String> out = PeakMemory.runJava(TrainingPeakProbe.class, "onepass,chunked", "" + VOCAB, "64", "1",
        "256", "256", "256", "2048");
    double tokensTimesVocabKb = (2048 - 256) * (double) VOCAB * 4 / 1024;
    long onePassGrowth = PeakMemory.value(out, "peak_kb_onepass_2048") - PeakMemory.value(out, "peak_kb_onepass_256");
    long chunkedGrowth = PeakMemory.value(out, "peak_kb_chunked_2048") - PeakMemory.value(out, "peak_kb_chunked_256");
    String report = out + ", ΔN·vocab·4 = " + tokensTimesVocabKb + " KiB";
    // the probe sees the growth where it exists ...
    assertTrue(onePassGrowth > 0.9 * tokensTimesVocabKb, report);
    // ... and the chunked path does not have it
    assertTrue(chunkedGrowth < 0.3 * tokensTimesVocabKb, report);
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void blockwiseAttentionKeepsNoScoreMatricesAndCheckpointingKeepsOneLayer() {
    int layers = 8;
    int heads = 4; // LlamaConfig.small(..., 4, 2)
    int t = 1024;
    List<String> out = PeakMemory.runJava(TrainingPeakProbe.class, "chunked,eager,checkpointed,eagercheckpointed",
        "256", "128", "" + layers, "256", "" + t, "" + t);
    long blockwise = PeakMemory.value(out, "peak_kb_chunked_1024");
    long eager = PeakMemory.value(out, "peak_kb_eager_1024");
    long checkpointed = PeakMemory.value(out, "peak_kb_checkpointed_1024");
    long eagerCheckpointed = PeakMemory.value(out, "peak_kb_eagercheckpointed_1024");
    // eager attention keeps each layer's probabilities [1, H, T, T] for the backward pass: 8 x 16 MiB here; the
    // blockwise path keeps none (measured: eager 268 MiB, blockwise 149 MiB, a difference of 0.93 x 128 MiB)
    double probabilitiesKb = (double) layers * heads * t * t * 4 / 1024;
    String report = out + ", layers x H x T x T x 4 = " + probabilitiesKb + " KiB";
    assertTrue(eager - blockwise > 0.7 * probabilitiesKb, report);
    // checkpointing keeps one layer's activations (plus the layer inputs) instead of eight, with either attention
    // (measured: 92 vs 149 MiB blockwise, 125 vs 268 MiB eager); the rest is shared (one layer's backward
    // temporaries, the head's chunks)
    assertTrue(checkpointed < 0.75 * blockwise, report);
    assertTrue(eagerCheckpointed < 0.6 * eager, report);
  }
}
