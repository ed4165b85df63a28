package dev.align4j.app.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.Jsonl;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.generate.Generator;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.ChunkedLogProbs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j bench policy}: a DPO-shaped forward+backward (log-probs of the completion half of every
 * sequence, summed, backward through all weights) and a greedy KV-cache generation on a random Llama, fp32 CPU,
 * timed against the same model and steps in PyTorch eager (the shipped {@code policy_peer.py}, run with Debian's
 * {@code python3-torch}, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment, as in
 * {@code bench dpo-step}) in the same run with the same thread count. Reports medians after warm-up as tokens/s
 * (forward+backward: batch·seq tokens; generation: batch·new tokens) and ratio = align4j / peer.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "DPO-shaped forward+backward and greedy generation vs PyTorch eager.")
public final class BenchPolicyCommand implements Callable<Integer> {

  @Option(names = "--hidden", defaultValue = "512") int hidden;
  @Option(names = "--intermediate", defaultValue = "1376") int intermediate;
  @Option(names = "--layers", defaultValue = "8") int layers;
  @Option(names = "--heads", defaultValue = "8") int heads;
  @Option(names = "--kv-heads", defaultValue = "4") int kvHeads;
  @Option(names = "--vocab", defaultValue = "32000") int vocab;
  @Option(names = "--seq", defaultValue = "512", description = "sequence length of the training step") int seq;
  @Option(names = "--batch", defaultValue = "4") int batch;
  @Option(names = "--gen-prompt", defaultValue = "64", description = "prompt length for generation") int genPrompt;
  @Option(names = "--gen-tokens", defaultValue = "64", description = "new tokens per prompt") int genTokens;
  @Option(names = "--warmup", defaultValue = "1") int warmup;
  @Option(names = "--iters", defaultValue = "3") int iters;

  @Option(names = "--threads", description = "intra-op threads on both sides (default: available processors)")
  Optional<Integer> threads;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "python with torch for the peer")
  String python;

  @Option(names = "--out", description = "write the results as JSON here") Optional<Path> out;

  @Override
  public Integer call() throws Exception {
    int n = threads.orElse(Runtime.getRuntime().availableProcessors());
    if (n < 1 || iters < 1 || warmup < 0 || seq < 4 || batch < 1 || genTokens < 1 || genPrompt < 1) {
      throw dev.align4j.core.BadInputException.option("--threads, --iters, --batch, --gen-*, --seq, --warmup",
          "must be >= 1 (--seq >= 4, --warmup >= 0)");
    }
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Engine.getEngine("PyTorch"); // loads libtorch, which reads the properties above
    JniUtils.setNumThreads(n); // in case the engine was already loaded in this JVM
    LlamaConfig cfg = LlamaConfig.small(vocab, hidden, intermediate, layers, heads, kvHeads);
    System.err.printf("bench policy: hidden %d, %d layers, %d/%d heads, vocab %d, seq %d, batch %d, %d threads%n",
        hidden, layers, heads, kvHeads, vocab, seq, batch, n);
    double trainS;
    double genS;
    try (LlamaModel model = LlamaModel.randomInit(cfg, 0L, LoadOptions.cpu())) {
      SplittableRandom rng = new SplittableRandom(1);
      List<int[]> seqs = new ArrayList<>();
      int[] starts = new int[batch];
      List<int[]> prompts = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        seqs.add(rng.ints(seq, 0, vocab).toArray());
        starts[b] = seq / 2;
        prompts.add(rng.ints(genPrompt, 0, vocab).toArray());
      }
      SequenceBatch sb = SequenceBatch.rightPadded(seqs, starts, 0);
      for (NDArray p : model.parameters().values()) {
        p.setRequiresGradient(true);
      }
      trainS = median(() -> trainStep(model, sb));
      genS = median(() -> Generator.generate(model, prompts, GenerationConfig.greedy(genTokens)));
    }
    double trainTokens = (double) batch * seq;
    double genTokensTotal = (double) batch * genTokens;
    Optional<JsonNode> peer = runPeer(n);
    ArrayNode rows = Jsonl.MAPPER.createArrayNode();
    row(rows, "policy_forward_backward", trainTokens / trainS,
        peer.map(p -> trainTokens / p.get("policy_forward_backward").asDouble()));
    row(rows, "greedy_generation", genTokensTotal / genS,
        peer.map(p -> genTokensTotal / p.get("greedy_generation").asDouble()));
    System.out.printf("%-26s %16s %16s %8s%n", "name", "align4j tok/s", "peer tok/s", "ratio");
    for (JsonNode r : rows) {
      System.out.printf("%-26s %16.1f %16s %8s%n", r.get("name").asText(), r.get("align4j_tokens_per_s").asDouble(),
          r.get("peer_tokens_per_s").isNull() ? "n/a" : String.format("%.1f", r.get("peer_tokens_per_s").asDouble()),
          r.get("ratio").isNull() ? "n/a" : String.format("%.2f", r.get("ratio").asDouble()));
    }
    System.out.println("peer: " + python + " (PyTorch eager), environment without "
        + String.join(" and ", PeerScript.PEER_ENV_REMOVED) + ", " + n + " threads both sides");
    if (out.isPresent()) {
      try (AtomicOutput o = AtomicOutput.create(out.get())) {
        o.write(Jsonl.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n");
        o.commit();
      }
    }
    return Main.EXIT_OK;
  }

  /** One forward + backward pass the way training runs it ({@code ChunkedLogProbs}, blockwise attention). */
  private static void trainStep(LlamaModel model, SequenceBatch batch) {
    model.zeroGradients();
    try (NDManager scope = model.manager().newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      ChunkedLogProbs lp = ChunkedLogProbs.forward(model, batch, scope);
      gc.backward(lp.logProbs().sums().sum());
      lp.backward();
    }
  }

  private double median(Runnable step) {
    for (int i = 0; i < warmup; i++) {
      step.run();
    }
    double[] t = new double[iters];
    for (int i = 0; i < iters; i++) {
      long t0 = System.nanoTime();
      step.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(t);
    return iters % 2 == 1 ? t[iters / 2] : (t[iters / 2 - 1] + t[iters / 2]) / 2;
  }

  private static void row(ArrayNode rows, String name, double ours, Optional<Double> peer) {
    ObjectNode r = rows.addObject();
    r.put("name", name);
    r.put("align4j_tokens_per_s", ours);
    OptionalDouble p = peer.map(OptionalDouble::of).orElse(OptionalDouble.empty());
    if (p.isPresent()) {
      r.put("peer_tokens_per_s", p.getAsDouble());
      r.put("ratio", ours / p.getAsDouble());
    } else {
      r.putNull("peer_tokens_per_s");
      r.putNull("ratio");
    }
  }

  /** Runs the shipped peer script; empty (with a hint on stderr) when python3-torch is not installed. */
  private Optional<JsonNode> runPeer(int n) throws IOException, InterruptedException {
    ObjectNode args = Jsonl.MAPPER.createObjectNode()
        .put("hidden", hidden).put("intermediate", intermediate).put("layers", layers).put("heads", heads)
        .put("kv_heads", kvHeads).put("vocab", vocab).put("seq", seq).put("batch", batch)
        .put("gen_prompt", genPrompt).put("gen_tokens", genTokens).put("warmup", warmup).put("iters", iters)
        .put("threads", n);
    return PeerScript.run("policy", python, "policy_peer.py", args, n, Map.of());
  }
}
