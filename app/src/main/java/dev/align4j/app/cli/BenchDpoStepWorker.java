package dev.align4j.app.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.train.AdamW;
import dev.align4j.experiments.train.AdamWConfig;
import dev.align4j.experiments.train.MicroBatchLoss;
import dev.align4j.experiments.train.MicroBatchResult;
import dev.align4j.experiments.train.TrainStep;
import dev.align4j.losses.DpoNormConfig;
import dev.align4j.losses.LogProbPair;
import dev.align4j.losses.LossOutput;
import dev.align4j.losses.PreferenceBatch;
import dev.align4j.losses.SequenceLogProbs;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.lora.LoraConfig;
import dev.align4j.policies.lora.LoraModel;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The align4j side of {@code bench dpo-step}, run in a fresh JVM of its own so that its peak RSS (VmHWM) is the
 * step's alone: one DPO update as the {@code dpo} recipe does it — chosen and rejected in one forward pass,
 * log-probs through {@link ChunkedLogProbs} (no [tokens, vocab] array kept for backward), dpo_norm (β 5) against
 * reference log-probs computed once beforehand (the cache), backward, global-norm clipping and an AdamW step.
 * Prints {@code {"seconds": median step seconds, "peak_rss_mb": VmHWM}} on stdout.
 */
public final class BenchDpoStepWorker {
  private BenchDpoStepWorker() {}

  public static void main(String[] args) throws Exception {
    JsonNode a = Jsonl.MAPPER.readTree(args[0]);
    int threads = a.get("threads").asInt();
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    int seq = a.get("seq").asInt();
    int vocab = a.get("vocab").asInt();
    LlamaConfig cfg = LlamaConfig.small(vocab, a.get("hidden").asInt(), a.get("intermediate").asInt(),
        a.get("layers").asInt(), a.get("heads").asInt(), a.get("kv_heads").asInt());
    LoadOptions opts = LoadOptions.parse(a.get("device").asText(), a.get("dtype").asText());
    int loraRank = a.get("lora_r").asInt();
    double[] times = new double[a.get("iters").asInt()];
    try (LlamaModel model = LlamaModel.randomInit(cfg, 0L, opts);
         LoraModel lora = loraRank > 0 ? LoraModel.attach(model,
             LoraConfig.allProjections(loraRank, 2.0 * loraRank, 0.0).withSeed(1)) : null;
         NDManager root = model.manager().newSubManager();
         AdamW adamw = new AdamW(AdamWConfig.DEFAULT, root)) {
      Map<String, NDArray> trainable = lora != null ? lora.trainableParameters() : model.parameters();
      SplittableRandom rng = new SplittableRandom(7);
      SequenceBatch pair = SequenceBatch.rightPadded(
          List.of(rng.ints(seq, 0, vocab).toArray(), rng.ints(seq, 0, vocab).toArray()),
          new int[] {seq / 2, seq / 2}, 0);
      LogProbPair reference;
      try (NDManager scope = root.newSubManager()) {
        BatchLogProbs ref = ChunkedLogProbs.forward(model, pair, scope).logProbs();
        // the cache: computed once, outside the timed step, held as plain values in the long-lived manager
        reference = split(root.create(ref.sums().toFloatArray()), root.create(ref.counts().toFloatArray()));
      }
      trainable.values().forEach(p -> p.setRequiresGradient(true));
      TrainStep step = new TrainStep(trainable, adamw, 1.0, root);
      var loss = new DpoNormConfig(5.0).create();
      for (int i = -a.get("warmup").asInt(); i < times.length; i++) {
        long t0 = System.nanoTime();
        step.run(List.of(pair), 5e-7, MicroBatchLoss.of(batch -> 1.0, (scope, batch) -> {
          ChunkedLogProbs forward = ChunkedLogProbs.forward(model, batch, scope);
          BatchLogProbs lp = forward.logProbs();
          LossOutput out = loss.compute(PreferenceBatch.of(split(lp.sums(), lp.counts()), reference));
          return new MicroBatchResult(out.mean(), 1, out.metrics(), List.of(forward));
        }));
        if (i >= 0) {
          times[i] = (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    Arrays.sort(times);
    int n = times.length;
    double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    System.out.println(Jsonl.MAPPER.createObjectNode().put("seconds", median).put("peak_rss_mb", peakRssMb()));
  }

  /** Row 0 chosen, row 1 rejected. */
  private static LogProbPair split(NDArray sums, NDArray counts) {
    return new LogProbPair(new SequenceLogProbs(sums.get("0:1"), counts.get("0:1")),
        new SequenceLogProbs(sums.get("1:2"), counts.get("1:2")));
  }

  /** VmHWM of this process in MiB (Linux). */
  static double peakRssMb() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }
}
