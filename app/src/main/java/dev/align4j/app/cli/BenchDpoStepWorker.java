package dev.align4j.app.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.Jsonl;
import dev.align4j.experiments.recipes.LoraSettings;
import dev.align4j.experiments.recipes.Tuning;
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
import dev.align4j.policies.llama.ComputeDevice;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.ChunkedLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The align4j side of {@code bench dpo-step}, run in a fresh JVM of its own so that its peak RSS (VmHWM) is the
 * step's alone: one DPO update as the {@code dpo} recipe does it — chosen and rejected in one forward pass,
 * log-probs through {@link ChunkedLogProbs} (no [tokens, vocab] array kept for backward), dpo_norm (β 5) against
 * reference log-probs computed once beforehand (the cache), backward, global-norm clipping and an AdamW step. The
 * LoRA row sets the model up through the recipes' own path ({@link Tuning#attach} with a {@link LoraSettings} block:
 * r, alpha 2r, no dropout, all seven projections; only A and B in the optimizer) and calls the tuning around the
 * update as the trainer does. On a GPU each timed step ends with a read-back (the CUDA stream is drained) and the
 * process's GPU memory is read from nvidia-smi at the end.
 * Prints {@code {"seconds": median step seconds, "peak_rss_mb": VmHWM, "gpu_mb": GPU MiB or null}} on stdout.
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
    Optional<LoraSettings> lora = loraRank > 0
        ? Optional.of(new LoraSettings(loraRank, 2.0 * loraRank, 0.0, ALL_PROJECTIONS)) : Optional.empty();
    boolean gpu = opts.device() == ComputeDevice.GPU;
    double[] times = new double[a.get("iters").asInt()];
    OptionalDouble gpuMb;
    try (LlamaModel model = LlamaModel.randomInit(cfg, 0L, opts);
         Tuning tuning = Tuning.attach(model, lora, Optional.empty(), 1L, "", Optional.empty());
         NDManager root = tuning.parameters().values().iterator().next().getManager().newSubManager();
         AdamW adamw = new AdamW(AdamWConfig.DEFAULT, root)) {
      model.setGradientCheckpointing(a.path("gradient_checkpointing").asBoolean(false));
      Map<String, NDArray> trainable = tuning.parameters();
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
      tuning.enableGradients();
      TrainStep step = new TrainStep(trainable, adamw, 1.0, root);
      NDArray probe = trainable.values().iterator().next();
      var loss = new DpoNormConfig(5.0).create();
      int warmup = a.get("warmup").asInt();
      for (int i = -warmup; i < times.length; i++) {
        long t0 = System.nanoTime();
        tuning.beforeUpdate(i + warmup, adamw);
        step.run(List.of(pair), 5e-7, MicroBatchLoss.of(batch -> 1.0, (scope, batch) -> {
          ChunkedLogProbs forward = ChunkedLogProbs.forward(model, batch, scope);
          BatchLogProbs lp = forward.logProbs();
          LossOutput out = loss.compute(PreferenceBatch.of(split(lp.sums(), lp.counts()), reference));
          return new MicroBatchResult(out.mean(), 1, out.metrics(), List.of(forward));
        }));
        tuning.afterUpdate(i + warmup);
        if (gpu) {
          drain(probe);
        }
        if (i >= 0) {
          times[i] = (System.nanoTime() - t0) / 1e9;
        }
      }
      gpuMb = gpu ? gpuMb() : OptionalDouble.empty(); // while the model and the optimizer state are still held
    }
    Arrays.sort(times);
    int n = times.length;
    double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    ObjectNode result = Jsonl.MAPPER.createObjectNode().put("seconds", median).put("peak_rss_mb", peakRssMb());
    if (gpuMb.isPresent()) {
      result.put("gpu_mb", gpuMb.getAsDouble());
    } else {
      result.putNull("gpu_mb");
    }
    System.out.println(result);
  }

  private static final List<String> ALL_PROJECTIONS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /** Waits for the device's queued work (the optimizer's kernels) by reading one value of {@code p} back. */
  private static void drain(NDArray p) {
    try (NDArray one = p.reshape(-1).get(0)) {
      one.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
    }
  }

  /** This process's GPU memory in MiB from nvidia-smi (caching allocator's reservation + context), if it says. */
  static OptionalDouble gpuMb() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-compute-apps=pid,used_memory",
          "--format=csv,noheader,nounits").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      String pid = Long.toString(ProcessHandle.current().pid());
      for (String line : out.split("\n")) {
        String[] parts = line.split(",");
        if (parts.length == 2 && parts[0].strip().equals(pid)) {
          return OptionalDouble.of(Double.parseDouble(parts[1].strip()));
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OptionalDouble.empty();
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
