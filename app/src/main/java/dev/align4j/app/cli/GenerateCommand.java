package dev.align4j.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.LogprobsCommand.ClosableOptional;
import dev.align4j.app.cli.LogprobsCommand.ModelOptions;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.JsonLine;
import dev.align4j.core.BadInputException;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.policies.generate.GenerationConfig;
import dev.align4j.policies.generate.Generator;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.llama.MemoryEstimate;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.ChatTemplate;
import dev.align4j.policies.text.Tokenizer;
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
 * {@code ./align4j generate}: KV-cache continuations (contract: CLI.md). Input lines
 * {@code {"id", "prompt": [int] | text, "max_new_tokens"?: n}}; output {@code {"id", "tokens", "text"?}} with only
 * the new tokens ({@code text} when the folder has a tokenizer.json). Temperature 0 (default) is greedy; prompts
 * are batched {@code --batch-size} at a time (left-padded; batching does not change greedy results).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Sample continuations with a KV cache.")
public final class GenerateCommand implements Callable<Integer> {
  private static final Set<String> FIELDS = Set.of("id", "prompt", "max_new_tokens");

  @Mixin ModelOptions model;

  @Option(names = "--input", required = true, description = "PROMPTS.jsonl") Path input;

  @Option(names = "--output", required = true, description = "OUT.jsonl") Path output;

  @Option(names = "--max-new-tokens", required = true, description = "new tokens per prompt") int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default)") double temperature;

  @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus mass in (0, 1] (default 1)") double topP;

  @Option(names = "--top-k", defaultValue = "0", description = "keep the k most probable tokens (default 0: all)")
  int topK;

  @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default 0)") long seed;

  @Option(names = "--stop-at-eos", description = "stop a sequence after it emits an EOS id") boolean stopAtEos;

  @Option(names = "--batch-size", defaultValue = "8", description = "prompts per batch (default 8)") int batchSize;

  @Option(names = "--chat-template",
      description = "model | tulu | llama3 | chatml | FILE.jinja: wrap text prompts as a user turn")
  Optional<String> chatTemplate;

  private record Request(JsonLine line, int[] prompt, int maxNewTokens) {}

  @Override
  public Integer call() {
    Options.atLeast("--batch-size", batchSize, 1);
    Options.atLeast("--max-new-tokens", maxNewTokens, 0);
    if (!(temperature >= 0 && Double.isFinite(temperature))) {
      throw BadInputException.option("--temperature", "must be a finite number >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw BadInputException.option("--top-p", "must be in (0, 1], got " + topP);
    }
    Options.atLeast("--top-k", topK, 0);
    Options.output("--output", output);
    LoadOptions load = model.loadOptions();
    LlamaConfig config = model.config();
    if (maxNewTokens >= config.maxPositionEmbeddings()) {
      throw BadInputException.option("--max-new-tokens", maxNewTokens + " reaches the model's max_position_embeddings "
          + config.maxPositionEmbeddings() + " (prompt and new tokens must fit in it)");
    }
    GenerationConfig generation = new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopAtEos);
    List<JsonLine> lines = Jsonl.read(input);
    try (ClosableOptional tokHandle = ModelOptions.tokenizer(model.dir)) {
      Optional<Tokenizer> tok = tokHandle.get();
      Optional<ChatTemplate> template = ModelOptions.template(chatTemplate, model.dir);
      List<Request> requests = new ArrayList<>();
      UniqueIds ids = new UniqueIds();
      int bytes = load.dtype().dataType().getNumOfBytes();
      for (JsonLine l : lines) {
        requests.add(parse(l, tok, template, config, bytes));
        ids.add(l);
      }
      try (LlamaModel m = LlamaModel.load(model.dir, load);
          AtomicOutput out = AtomicOutput.create(output)) {
        LogprobsCommand.Progress progress = new LogprobsCommand.Progress("generate", requests.size());
        for (int start = 0; start < requests.size(); start += batchSize) {
          List<Request> chunk = requests.subList(start, Math.min(requests.size(), start + batchSize));
          List<int[]> prompts = new ArrayList<>();
          int[] budgets = new int[chunk.size()];
          for (int i = 0; i < chunk.size(); i++) {
            prompts.add(chunk.get(i).prompt());
            budgets[i] = chunk.get(i).maxNewTokens();
          }
          List<int[]> produced = Generator.generate(m, prompts, budgets, generation);
          for (int i = 0; i < chunk.size(); i++) {
            ObjectNode o = Jsonl.MAPPER.createObjectNode();
            o.set("id", chunk.get(i).line().id());
            var arr = o.putArray("tokens");
            for (int t : produced.get(i)) {
              arr.add(t);
            }
            if (tok.isPresent()) {
              o.put("text", tok.get().decode(produced.get(i), Tokenizer.SpecialTokenText.SKIP));
            }
            out.writeJsonLine(o);
          }
          progress.advance(chunk.size());
        }
        out.commit();
      }
    }
    return Main.EXIT_OK;
  }

  private Request parse(JsonLine l, Optional<Tokenizer> tok, Optional<ChatTemplate> template, LlamaConfig config,
      int bytesPerElement) {
    l.id();
    l.onlyFields(FIELDS);
    int budget = maxNewTokens;
    if (l.has("max_new_tokens")) {
      budget = l.integer("max_new_tokens");
      if (budget < 0) {
        throw l.error("max_new_tokens", "must be >= 0");
      }
    }
    JsonNode p = l.require("prompt");
    int[] ids;
    if (p.isTextual()) {
      Tokenizer t = tok.orElseThrow(() -> l.error("prompt",
          "a text prompt needs a tokenizer.json in the model folder; give token ids instead"));
      ids = template.isPresent()
          ? new ChatEncoder(t, template.get()).encodeGenerationPrompt(p.asText())
          : t.encodeWithSpecialTokens(p.asText());
    } else {
      ids = l.ints("prompt");
    }
    if (ids.length == 0) {
      throw l.error("prompt", "must hold at least one token");
    }
    ModelOptions.checkIds(l, "prompt", ids, config.vocabSize());
    // the budget is checked against the model before anything is allocated: prompt + new tokens must fit in its
    // positions, and the KV cache of a batch in memory
    String field = l.has("max_new_tokens") ? "max_new_tokens" : "prompt";
    long positions = (long) ids.length + budget;
    if (positions > config.maxPositionEmbeddings()) {
      throw l.error(field, ids.length + " prompt tokens + " + budget + " new tokens exceed the model's "
          + "max_position_embeddings " + config.maxPositionEmbeddings());
    }
    Options.fits(l, field, MemoryEstimate.generation(config, 1, ids.length, budget, bytesPerElement),
        MemoryEstimate.generation(config, batchSize, ids.length, budget, bytesPerElement));
    return new Request(l, ids, budget);
  }
}
