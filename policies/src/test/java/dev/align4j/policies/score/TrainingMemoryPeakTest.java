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
 * <p>Checkpointing: with 8 layers and one row of 1024 tokens, activations dominate (attention scores and
 * probabilities [4, 1024, 1024] per layer); checkpointing keeps one layer's instead of eight.
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
  void checkpointingKeepsOneLayerOfActivations() {
    List<String> out = PeakMemory.runJava(TrainingPeakProbe.class, "chunked,checkpointed", "256", "64", "8",
        "256", "1024", "1024");
    long plain = PeakMemory.value(out, "peak_kb_chunked_1024");
    long checkpointed = PeakMemory.value(out, "peak_kb_checkpointed_1024");
    // 8 layers: the plain pass keeps every layer's saved activations, the checkpointed one a single layer's (plus
    // the layer inputs); both share the same fixed part (one layer's backward temporaries, the head's chunks).
    // Measured 236 MiB vs 114 MiB once each layer's temporaries are freed with the layer (LlamaModel.scoped)
    assertTrue(checkpointed < 0.6 * plain, out.toString());
  }
}
