package dev.align4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.demo.TinyArithModel;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tiny models that have learned a little, made once per test JVM (test helper) so that RL runs see rewards that
 * vary within a group: the embedded arithmetic model after a short SFT on the chat format, and a character-level
 * model that has memorized the code prompt set's reference solutions (fenced python), so that its samples reach
 * the code sandbox.
 */
public final class TinyModels {
  private static Path arith;
  private static Path code;

  private TinyModels() {}

  /**
   * The tiny arithmetic model after 25 epochs of {@code sft-tiny} (100 updates): it answers in the chat format and
   * gets about one in six of the prompt set right (measured: accuracy 0.18 on the first DAPO generation), so groups
   * mix right and wrong answers.
   */
  public static synchronized Path arithSft() throws IOException {
    if (arith == null) {
      Path dir = Files.createTempDirectory("align4j-tiny-arith-sft");
      dir.toFile().deleteOnExit();
      Path config = ConfigVariant.write("sft-tiny.json", dir, "sft.json",
          Map.of("epochs", 25, "training.save_steps", 1000));
      Cli r = Cli.run("run", config.toString(), "--out", dir.resolve("run").toString());
      assertEquals(0, r.exitCode(), r.err());
      arith = dir.resolve("run/final");
    }
    return arith;
  }

  /** The first {@value #CODE_PROBLEMS} problems of the code prompt set, the ones {@link #codeSft()} has learned. */
  public static final int CODE_PROBLEMS = 4;

  /**
   * A 2-layer character-level model (printable ASCII and newline, the demo's special tokens) fitted by {@code sft}
   * (80 updates) to the reference solutions of the first {@value #CODE_PROBLEMS} problems of
   * {@code configs/data/code-sft.jsonl}: prompt → {@code ```python ... ```}. Sampled at temperature 1 it writes
   * working code most of the time (measured: 7 of 8 samples pass every test).
   */
  public static synchronized Path codeSft() throws Exception {
    if (code == null) {
      Path dir = Files.createTempDirectory("align4j-tiny-code-sft");
      dir.toFile().deleteOnExit();
      Path init = dir.resolve("init");
      TinyArithModel.copyTokenizer(init);
      int vocab = writeCharVocabulary(init.resolve("tokenizer.json"));
      try (LlamaModel m = LlamaModel.randomInit(LlamaConfig.small(vocab, 64, 192, 2, 4, 2), 5, LoadOptions.cpu())) {
        m.save(init);
      }
      Path data = firstLines(Path.of("../configs/data/code-sft.jsonl"), CODE_PROBLEMS, dir.resolve("code-sft.jsonl"));
      Path config = ConfigVariant.write("sft-tiny.json", dir, "sft.json", Map.of(
          "model", init.toString(), "train_file", data.toString(), "max_length", 200, "epochs", 80,
          "training.learning_rate", 1e-2, "training.schedule", Map.of("type", "linear", "warmup_ratio", 0.1),
          "training.per_device_batch_size", CODE_PROBLEMS, "training.gradient_accumulation_steps", 1,
          "training.save_steps", 10_000));
      Cli r = Cli.run("run", config.toString(), "--out", dir.resolve("run").toString());
      assertEquals(0, r.exitCode(), r.err());
      code = dir.resolve("run/final");
    }
    return code;
  }

  /** The first {@code n} lines of {@code source}, written to {@code target}. */
  public static Path firstLines(Path source, int n, Path target) throws IOException {
    Files.write(target, Files.readAllLines(source).subList(0, n));
    return target;
  }

  /** Replaces the BPE vocabulary of a copied tiny-arith tokenizer by one token per printable ASCII character. */
  private static int writeCharVocabulary(Path tokenizerJson) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(tokenizerJson.toFile());
    ObjectNode vocab = json.createObjectNode();
    int id = 0;
    for (var special : root.get("added_tokens")) {
      vocab.put(special.get("content").asText(), special.get("id").asInt());
      id = Math.max(id, special.get("id").asInt() + 1);
    }
    vocab.put("\n", id++);
    for (char c = ' '; c <= '~'; c++) {
      vocab.put(String.valueOf(c), id++);
    }
    ((ObjectNode) root.get("model")).set("vocab", vocab);
    ((ObjectNode) root.get("model")).set("merges", json.createArrayNode());
    json.writerWithDefaultPrettyPrinter().writeValue(tokenizerJson.toFile(), root);
    return id;
  }
}
