package dev.align4j.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.app.Cli;
import dev.align4j.app.demo.TinyArithModel;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.ChatTemplate;
import dev.align4j.policies.text.TokenizedChat;
import dev.align4j.policies.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text inputs of {@code logprobs} and {@code generate} on the shipped tiny model (the only model folder with a
 * tokenizer.json): a {@code {"prompt","completion"}} line scores exactly what the same conversation scores as token
 * ids under the chat template, and generation decodes its tokens to the {@code text} field.
 */
class TextInputCommandsTest {

  @Test
  void textLineScoresLikeItsTokenIdsUnderTheTemplate(@TempDir Path tmp) throws Exception {
    Path model = TinyArithModel.locate(tmp.resolve("model")).orElseThrow();
    int[] ids;
    int start;
    try (Tokenizer tok = Tokenizer.fromFolder(model)) {
      TokenizedChat chat = new ChatEncoder(tok, ChatTemplate.byName("tulu"))
          .encodePromptCompletion("12+7=", "19", Integer.MAX_VALUE);
      ids = chat.ids();
      start = chat.completionStart().orElseThrow();
    }
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"id\": \"text\", \"prompt\": \"12+7=\", \"completion\": \"19\"}\n"
        + "{\"id\": \"ids\", \"tokens\": " + java.util.Arrays.toString(ids) + ", \"completion_start\": " + start + "}\n");
    Path out = tmp.resolve("out.jsonl");
    Cli r = Cli.run("logprobs", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
        "--chat-template", "tulu");
    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> got = ModelCommandsTest.read(out);
    assertEquals(2, got.size());
    JsonNode text = got.get(0).get("token_logprobs");
    JsonNode tokens = got.get(1).get("token_logprobs");
    // "19" then EOS are the scored tokens of the tulu-rendered completion
    assertEquals(ids.length - start, text.size());
    assertEquals(tokens, text);
    assertTrue(got.get(0).get("sum").asDouble() < 0);
  }

  @Test
  void textPromptGenerationReturnsDecodedText(@TempDir Path tmp) throws Exception {
    Path model = TinyArithModel.locate(tmp.resolve("model")).orElseThrow();
    Path in = tmp.resolve("prompts.jsonl");
    Files.writeString(in, "{\"id\": 7, \"prompt\": \"12+7=\"}\n");
    Path out = tmp.resolve("out.jsonl");
    Cli r = Cli.run("generate", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
        "--max-new-tokens", "6", "--chat-template", "tulu", "--stop-at-eos");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode line = ModelCommandsTest.read(out).get(0);
    assertEquals(7, line.get("id").asInt());
    int[] produced = new int[line.get("tokens").size()];
    for (int i = 0; i < produced.length; i++) {
      produced[i] = line.get("tokens").get(i).asInt();
    }
    assertTrue(produced.length >= 1 && produced.length <= 6, "1..6 new tokens, got " + produced.length);
    try (Tokenizer tok = Tokenizer.fromFolder(model)) {
      assertEquals(tok.decode(produced, Tokenizer.SpecialTokenText.SKIP), line.get("text").asText());
    }
  }
}
