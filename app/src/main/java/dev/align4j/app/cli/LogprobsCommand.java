package dev.align4j.app.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.BadInputException;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.score.BatchLogProbs;
import dev.align4j.policies.score.SequenceBatch;
import dev.align4j.policies.score.TokenLogProbs;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.ChatTemplate;
import dev.align4j.policies.text.TokenizedChat;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.policies.text.jinja.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j logprobs}: per-token log-probs of completion tokens (contract: CLI.md).
 * Input lines {@code {"id", "tokens": [int], "completion_start": k}} or, when the model folder has a
 * {@code tokenizer.json}, {@code {"id", "prompt": text, "completion": text}} (chat template with
 * {@code --chat-template}); output {@code {"id", "token_logprobs", "sum", "mean", "count"}}.
 */
@Command(name = "logprobs", mixinStandardHelpOptions = true,
    description = "Score token sequences with a Hugging Face Llama model folder.")
public final class LogprobsCommand implements Callable<Integer> {
  private static final Set<String> TEXT_FIELDS = Set.of("id", "prompt", "completion");

  @Mixin ModelOptions model;

  @Option(names = "--input", required = true, description = "SEQS.jsonl") Path input;

  @Option(names = "--output", required = true, description = "OUT.jsonl") Path output;

  @Option(names = "--batch-size", defaultValue = "8", description = "sequences per forward pass (default 8)")
  int batchSize;

  @Option(names = "--chat-template",
      description = "model (the folder's own template) | tulu | llama3 | chatml | FILE.jinja (text inputs only)")
  Optional<String> chatTemplate;

  @Override
  public Integer call() {
    Options.atLeast("--batch-size", batchSize, 1);
    Options.output("--output", output);
    LoadOptions load = model.loadOptions();
    Optional<ChatTemplate> template = ModelOptions.template(chatTemplate, model.dir);
    LlamaConfig config = model.config();
    List<JsonLine> lines = Jsonl.read(input);
    List<ScoringRow> cases = new ArrayList<>();
    try (ClosableOptional tokHandle = ModelOptions.tokenizer(model.dir)) {
      Optional<Tokenizer> tok = tokHandle.get();
      UniqueIds ids = new UniqueIds();
      for (JsonLine l : lines) {
        ScoringRow row = parse(l, tok, template);
        row.checkIds(config.vocabSize());
        row.checkFits(config, batchSize, load.dtype().dataType().getNumOfBytes());
        ids.add(l);
        cases.add(row);
      }
    }
    try (LlamaModel m = LlamaModel.load(model.dir, load);
        AtomicOutput out = AtomicOutput.create(output)) {
      Progress progress = new Progress("logprobs", cases.size());
      for (int start = 0; start < cases.size(); start += batchSize) {
        List<ScoringRow> chunk = cases.subList(start, Math.min(cases.size(), start + batchSize));
        score(m, chunk, out);
        progress.advance(chunk.size());
      }
      out.commit();
    }
    return Main.EXIT_OK;
  }

  private static ScoringRow parse(JsonLine l, Optional<Tokenizer> tok, Optional<ChatTemplate> template) {
    l.id();
    if (l.has("tokens")) {
      return ScoringRow.parseTokens(l);
    }
    l.onlyFields(TEXT_FIELDS);
    String prompt = l.string("prompt");
    String completion = l.string("completion");
    Tokenizer t = tok.orElseThrow(() -> l.error("prompt",
        "text input needs a tokenizer.json in the model folder; give \"tokens\" and \"completion_start\" instead"));
    if (template.isPresent()) {
      TokenizedChat chat;
      try {
        chat = new ChatEncoder(t, template.get()).encodePromptCompletion(prompt, completion, Integer.MAX_VALUE);
      } catch (TemplateException e) {
        throw l.error("prompt", e.getMessage());
      }
      int k = 0;
      while (k < chat.ids().length && !chat.lossMask()[k]) {
        k++;
      }
      if (k == 0 || k == chat.ids().length) {
        throw l.error("completion", "the chat template left no scorable completion tokens");
      }
      return new ScoringRow(l, chat.ids(), k);
    }
    int[] p = t.encodeWithSpecialTokens(prompt);
    int[] c = t.encode(completion);
    if (p.length == 0) {
      throw l.error("prompt", "encodes to no tokens; nothing would predict the first completion token");
    }
    int[] all = new int[p.length + c.length];
    System.arraycopy(p, 0, all, 0, p.length);
    System.arraycopy(c, 0, all, p.length, c.length);
    return new ScoringRow(l, all, p.length);
  }

  private static void score(LlamaModel m, List<ScoringRow> chunk, AtomicOutput out) {
    List<int[]> seqs = new ArrayList<>();
    int[] starts = new int[chunk.size()];
    for (int i = 0; i < chunk.size(); i++) {
      seqs.add(chunk.get(i).tokens());
      starts[i] = chunk.get(i).completionStart();
    }
    SequenceBatch batch = SequenceBatch.rightPadded(seqs, starts, 0);
    try (NDManager step = m.manager().newSubManager()) {
      BatchLogProbs lp = TokenLogProbs.compute(m, batch, step);
      for (int i = 0; i < chunk.size(); i++) {
        out.writeJsonLine(row(chunk.get(i).line().id(), lp.scored(batch, i)));
      }
    }
  }

  /**
   * One output row: {@code {"id", "token_logprobs", "sum", "mean", "count"}} ({@code spark ref-logprobs} writes its
   * rows with it too, so both are byte-identical).
   */
  public static ObjectNode row(com.fasterxml.jackson.databind.JsonNode id, double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    ObjectNode o = Jsonl.MAPPER.createObjectNode();
    o.set("id", id);
    var arr = o.putArray("token_logprobs");
    for (double v : values) {
      arr.add(v);
    }
    o.put("sum", sum);
    o.put("mean", values.length == 0 ? 0.0 : sum / values.length);
    o.put("count", values.length);
    return o;
  }

  /** Options shared by the model commands: folder, device, dtype; plus tokenizer/template helpers. */
  static final class ModelOptions {
    @Option(names = "--model", required = true, description = "Hugging Face model folder") Path dir;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu | gpu (default cpu)") String device;

    @Option(names = "--dtype", defaultValue = "fp32", description = "fp32 | fp16 | bf16 (fp16/bf16: GPU only)")
    String dtype;

    LoadOptions loadOptions() {
      return Options.loadOptions(device, dtype);
    }

    /** The folder's {@code config.json} (cheap: read before any weight, to check input against it). */
    LlamaConfig config() {
      if (!Files.isDirectory(dir)) {
        throw BadInputException.option("--model", dir + (Files.exists(dir) ? " is not a directory" : ": no such folder"));
      }
      return LlamaConfig.read(dir.resolve("config.json"));
    }

    /** The folder's tokenizer when it has a tokenizer.json (closing the Optional closes it). */
    static ClosableOptional tokenizer(Path dir) {
      return new ClosableOptional(Files.isRegularFile(dir.resolve("tokenizer.json"))
          ? Optional.of(Tokenizer.fromFolder(dir)) : Optional.empty());
    }

    /** The template {@code --chat-template} names: {@code model}, a registered name or a {@code .jinja} file. */
    static Optional<ChatTemplate> template(Optional<String> spec, Path modelDir) {
      return spec.map(s -> {
        try {
          return ChatTemplate.resolve(s, modelDir);
        } catch (InvalidConfigException e) {
          throw BadInputException.option("--chat-template", e.reason());
        }
      });
    }

    static void checkIds(JsonLine line, String field, int[] ids, int vocab) {
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] < 0 || ids[i] >= vocab) {
          throw line.error(field + "[" + i + "]", "token id " + ids[i] + " outside [0, vocab_size=" + vocab + ")");
        }
      }
    }
  }

  /** An optional tokenizer usable in try-with-resources. */
  static final class ClosableOptional implements AutoCloseable {
    private final Optional<Tokenizer> value;

    ClosableOptional(Optional<Tokenizer> value) {
      this.value = value;
    }

    Optional<Tokenizer> get() {
      return value;
    }

    @Override
    public void close() {
      value.ifPresent(Tokenizer::close);
    }
  }

  /** Plain progress lines on stderr, at most every 2 seconds (stdout stays clean). */
  static final class Progress {
    private final String what;
    private final int total;
    private int done;
    private long last = System.nanoTime();

    Progress(String what, int total) {
      this.what = what;
      this.total = total;
    }

    void advance(int n) {
      done += n;
      long now = System.nanoTime();
      if (now - last > 2_000_000_000L || done == total) {
        System.err.printf("align4j %s: %d/%d%n", what, done, total);
        last = now;
      }
    }
  }
}
