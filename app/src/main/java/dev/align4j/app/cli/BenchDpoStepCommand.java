package dev.align4j.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.core.Jsonl;
import dev.align4j.policies.llama.ComputeDevice;
import dev.align4j.policies.llama.LoadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j bench dpo-step}: one DPO update (policy forward+backward on one chosen/rejected pair of
 * {@code --seq} tokens each, prompt half unscored, reference log-probs from the cache, dpo_norm, AdamW) on a
 * Llama-3-vocabulary shape, align4j ({@link BenchDpoStepWorker}) against a PyTorch eager peer written the way TRL
 * does it (the shipped {@code dpo_step_peer.py}: concatenated forward, full logits, log_softmax + gather), each
 * side in its own fresh process with the same thread count, one after the other. Rows: full fine-tuning and LoRA
 * (r 16 on every linear layer; the peer adds a plain low-rank product) per vocabulary size, with tokens/s
 * (2·seq tokens per update) and each process's peak RSS (VmHWM). The peer runs Debian's python3-torch with
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment (they pin OpenBLAS to older kernels).
 * {@code --device gpu} and {@code --dtype bf16} apply to both sides (the peer puts every tensor on the same CUDA
 * device in the same dtype); the rows then also carry each process's GPU memory from nvidia-smi
 * ({@code align4j_gpu_mb}, {@code peer_gpu_mb}).
 */
@Command(name = "dpo-step", mixinStandardHelpOptions = true,
    description = "One DPO update (dpo_norm, AdamW) vs a TRL-style PyTorch eager peer: tokens/s and peak RSS.")
public final class BenchDpoStepCommand implements Callable<Integer> {

  /**
   * glibc's malloc setting both sides run with, as the {@code ./align4j} launcher sets it: tensors above 128 KiB are
   * mmapped and go back to the OS when freed, instead of staying in the heap after the dynamic threshold has grown
   * (which adds hundreds of MB to a step's peak RSS on either side).
   */
  static final Map<String, String> ALLOCATOR_ENV = Map.of("MALLOC_MMAP_THRESHOLD_", "131072");

  @Option(names = "--vocab", split = ",", defaultValue = "128256",
      description = "vocabulary sizes, one set of rows each (default 128256; e.g. 128256,32000)")
  List<Integer> vocabs;
  @Option(names = "--hidden", defaultValue = "512") int hidden;
  @Option(names = "--intermediate", defaultValue = "1376") int intermediate;
  @Option(names = "--layers", defaultValue = "4") int layers;
  @Option(names = "--heads", defaultValue = "8") int heads;
  @Option(names = "--kv-heads", defaultValue = "2") int kvHeads;
  @Option(names = "--seq", defaultValue = "2048", description = "tokens per sequence (chosen and rejected)") int seq;
  @Option(names = "--lora-r", defaultValue = "16", description = "rank of the LoRA row; 0 skips it") int loraRank;
  @Option(names = "--warmup", defaultValue = "1") int warmup;
  @Option(names = "--iters", defaultValue = "3") int iters;
  @Option(names = "--threads", description = "intra-op threads on both sides (default: available processors)")
  Optional<Integer> threads;
  @Option(names = "--device", defaultValue = "cpu", description = "cpu | gpu | gpu:N (both sides)") String device;
  @Option(names = "--dtype", defaultValue = "fp32", description = "fp32 | bf16 | fp16 (both sides; GPU only for "
      + "bf16/fp16)") String dtype;
  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "python with torch for the peer")
  String python;
  @Option(names = "--no-peer", description = "measure align4j only") boolean noPeer;
  @Option(names = "--out", description = "write the rows as JSON here") Optional<Path> out;

  @Override
  public Integer call() throws Exception {
    int n = threads.orElse(Runtime.getRuntime().availableProcessors());
    if (n < 1 || iters < 1 || warmup < 0 || seq < 4 || loraRank < 0 || vocabs.stream().anyMatch(v -> v < 2)) {
      throw new BadInputException(null, 0, null, "--threads, --iters >= 1, --warmup, --lora-r >= 0, --seq >= 4, "
          + "--vocab >= 2");
    }
    LoadOptions load = LoadOptions.parse(device, dtype); // refuse a bad spelling or bf16 on the CPU before any work
    load.djlDevice(); // and a GPU that is not there
    out.ifPresent(o -> AtomicOutput.checkTarget(o, "--out"));
    ArrayNode rows = Jsonl.MAPPER.createArrayNode();
    for (int vocab : vocabs) {
      for (int r : loraRank > 0 ? new int[] {0, loraRank} : new int[] {0}) {
        ObjectNode args = Jsonl.MAPPER.createObjectNode()
            .put("vocab", vocab).put("hidden", hidden).put("intermediate", intermediate).put("layers", layers)
            .put("heads", heads).put("kv_heads", kvHeads).put("seq", seq).put("lora_r", r)
            .put("warmup", warmup).put("iters", iters).put("threads", n).put("device", device).put("dtype", dtype);
        String name = (r > 0 ? "dpo_step_lora_r" + r : "dpo_step") + "_vocab" + vocab;
        System.err.printf("bench dpo-step: %s: hidden %d, %d layers, %d/%d heads, seq %d x 2, %d threads%n",
            name, hidden, layers, heads, kvHeads, seq, n);
        JsonNode ours = runJava(args);
        Optional<JsonNode> peer = noPeer ? Optional.empty() : runPeer(args);
        double tokens = 2.0 * seq;
        ObjectNode row = rows.addObject();
        row.put("name", name);
        row.put("align4j_tokens_per_s", tokens / ours.get("seconds").asDouble());
        row.put("align4j_peak_rss_mb", ours.get("peak_rss_mb").asDouble());
        if (peer.isPresent()) {
          row.put("peer_tokens_per_s", tokens / peer.get().get("seconds").asDouble());
          row.put("ratio", peer.get().get("seconds").asDouble() / ours.get("seconds").asDouble());
          row.put("peer_peak_rss_mb", peer.get().get("peak_rss_mb").asDouble());
          row.put("rss_ratio", ours.get("peak_rss_mb").asDouble() / peer.get().get("peak_rss_mb").asDouble());
        } else {
          row.putNull("peer_tokens_per_s").putNull("ratio").putNull("peer_peak_rss_mb").putNull("rss_ratio");
        }
        if (load.device() == ComputeDevice.GPU) {
          row.set("align4j_gpu_mb", ours.path("gpu_mb"));
          row.set("peer_gpu_mb", peer.map(p -> p.path("gpu_mb")).orElse(Jsonl.MAPPER.nullNode()));
        }
      }
    }
    System.out.printf("%-30s %12s %12s %7s %12s %12s %7s%n", "name", "align4j tok/s", "peer tok/s", "ratio",
        "align4j MB", "peer MB", "rss");
    for (JsonNode r : rows) {
      System.out.printf("%-30s %12.1f %12s %7s %12.0f %12s %7s%n", r.get("name").asText(),
          r.get("align4j_tokens_per_s").asDouble(), fmt(r.get("peer_tokens_per_s"), "%.1f"),
          fmt(r.get("ratio"), "%.2f"), r.get("align4j_peak_rss_mb").asDouble(), fmt(r.get("peer_peak_rss_mb"), "%.0f"),
          fmt(r.get("rss_ratio"), "%.2f"));
    }
    if (load.device() == ComputeDevice.GPU) {
      for (JsonNode r : rows) {
        System.out.printf("%-30s GPU MiB: align4j %s, peer %s%n", r.get("name").asText(), fmt(r.get("align4j_gpu_mb"),
            "%.0f"), fmt(r.get("peer_gpu_mb"), "%.0f"));
      }
    }
    System.out.println("peer: " + python + " (PyTorch eager, TRL-style), environment without "
        + String.join(" and ", PeerScript.PEER_ENV_REMOVED) + "; each side in a fresh process, " + n + " threads, "
        + ALLOCATOR_ENV.entrySet().iterator().next() + " on both sides");
    if (out.isPresent()) {
      try (AtomicOutput o = AtomicOutput.create(out.get())) {
        o.write(Jsonl.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n");
        o.commit();
      }
    }
    return Main.EXIT_OK;
  }

  private static String fmt(JsonNode v, String format) {
    return v == null || v.isNull() ? "n/a" : String.format(format, v.asDouble());
  }

  /** {@link BenchDpoStepWorker} in a fresh JVM with this JVM's class path. */
  private static JsonNode runJava(ObjectNode args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error", "-cp", System.getProperty("java.class.path"),
        BenchDpoStepWorker.class.getName(), args.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(ALLOCATOR_ENV);
    return PeerScript.lastJsonLine(pb, "bench dpo-step: align4j worker").orElseThrow(
        () -> new IllegalStateException("bench dpo-step: the align4j worker failed (see its output above)"));
  }

  private Optional<JsonNode> runPeer(ObjectNode args) throws IOException, InterruptedException {
    return PeerScript.run("dpo-step", python, "dpo_step_peer.py", args, args.get("threads").asInt(), ALLOCATOR_ENV);
  }
}
