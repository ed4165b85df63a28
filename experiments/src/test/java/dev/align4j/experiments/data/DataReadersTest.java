package dev.align4j.experiments.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.BadInputException;
import dev.align4j.policies.text.ChatEncoder;
import dev.align4j.policies.text.ChatMessage;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.policies.text.TuluTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataReadersTest {
  @TempDir Path dir;

  private Path file(String... lines) throws Exception {
    Path f = dir.resolve("data.jsonl");
    Files.write(f, List.of(lines));
    return f;
  }

  @Test
  void preferencesInTextAndUltraFeedbackLayoutsGiveTheSamePair() throws Exception {
    List<PreferenceExample> pairs = PreferenceExample.readJsonl(file(
        "{\"prompt\": \"2+3=\", \"chosen\": \"5\", \"rejected\": \"6\"}",
        "{\"prompt\": \"2+3=\", \"chosen\": [{\"role\": \"user\", \"content\": \"2+3=\"},"
            + " {\"role\": \"assistant\", \"content\": \"5\"}], \"rejected\": [{\"role\": \"user\", \"content\":"
            + " \"2+3=\"}, {\"role\": \"assistant\", \"content\": \"6\"}], \"chosen_score\": 9.5}"));
    assertEquals(2, pairs.size());
    assertEquals(pairs.get(0), pairs.get(1));
    assertEquals(List.of(ChatMessage.user("2+3=")), pairs.get(0).prompt());
    assertEquals(List.of(ChatMessage.assistant("6")), pairs.get(0).rejected());
  }

  @Test
  void badPreferenceLinesNameFileLineAndField() throws Exception {
    Path f = file("{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}",
        "{\"prompt\": \"a\", \"chosen\": [{\"role\": \"robot\", \"content\": \"b\"}], \"rejected\": \"c\"}");
    BadInputException e = assertThrows(BadInputException.class, () -> PreferenceExample.readJsonl(f));
    assertEquals(2, e.line());
    assertEquals("chosen[0].role", e.field());
    assertTrue(e.getMessage().startsWith(f + ":2: field 'chosen[0].role'"), e.getMessage());

    Path noPrompt = file("{\"chosen\": \"b\", \"rejected\": \"c\"}");
    assertEquals("prompt", assertThrows(BadInputException.class, () -> PreferenceExample.readJsonl(noPrompt))
        .field());
    Path extra = file("{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\", \"chosn\": 1}");
    assertEquals("chosn", assertThrows(BadInputException.class, () -> PreferenceExample.readJsonl(extra)).field());
  }

  @Test
  void sftReadsMessagesAndPromptCompletion() throws Exception {
    List<SftExample> rows = SftExample.readJsonl(file(
        "{\"messages\": [{\"role\": \"user\", \"content\": \"1+1=\"}, {\"role\": \"assistant\", \"content\": \"2\"}]}",
        "{\"prompt\": \"1+1=\", \"completion\": \"2\"}"));
    assertEquals(rows.get(0), rows.get(1));
    Path noAssistant = file("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    BadInputException e = assertThrows(BadInputException.class, () -> SftExample.readJsonl(noAssistant));
    assertEquals("messages", e.field());
  }

  @Test
  void truncationIsCountedAndEmptiedRowsAreDropped() throws Exception {
    try (Tokenizer tok = Tokenizer.fromFolder(Path.of("../models/tiny-arith"))) {
      ChatEncoder encoder = new ChatEncoder(tok, TuluTemplate.withBos());
      // "<s><|user|>\n12+7=\n<|assistant|>\n" is 11 tokens; "19<eos>" adds 3
      List<SftExample> rows = List.of(SftExample.of("12+7=", "19"), SftExample.of("1+1=", "2"),
          SftExample.of("123456789+1=", "123456790"));
      Encoding.Encoded<?> all = Encoding.sft(rows, encoder, 64);
      assertEquals(new TruncationReport(3, 0, 0), all.report());
      Encoding.Encoded<?> cut = Encoding.sft(rows, encoder, 13);
      // row 1 keeps "1" of "19<eos>", row 2 fits (12 tokens), row 3's prompt alone is 19 tokens
      assertEquals(new TruncationReport(3, 1, 1), cut.report());
      assertEquals(2, cut.examples().size());
    }
  }

  @Test
  void rlPromptsCarryTheReferenceFieldsOfTheConfiguredReward() throws Exception {
    try (var code = new dev.align4j.rewards.config.CodeRewardConfig(1.0).create()) {
      List<? extends RlPrompt<?>> prompts = RlPrompt.readJsonl(Path.of("../configs/data/code-prompts.jsonl"), code);
      assertEquals(32, prompts.size());
      assertEquals("code-00", prompts.get(0).id());
      assertEquals(dev.align4j.rewards.code.CodeTest.assertions(
          List.of("assert add(2, 3) == 5", "assert add(-1, 1) == 0", "assert add(10, 0) == 10")),
          prompts.get(0).reference());
      // a math prompt file does not fit the code reward: its gold field is unknown there, by file and line
      BadInputException e = assertThrows(BadInputException.class,
          () -> RlPrompt.readJsonl(file("{\"id\": \"p\", \"prompt\": \"1+1=\", \"gold\": \"2\"}"), code));
      assertTrue(e.getMessage().contains("data.jsonl:1") && e.getMessage().contains("gold"), e.getMessage());
    }
    try (var math = new dev.align4j.rewards.config.MathRewardConfig(1.0).create()) {
      BadInputException e = assertThrows(BadInputException.class,
          () -> RlPrompt.readJsonl(file("{\"id\": \"p\", \"prompt\": \"1+1=\"}"), math));
      assertTrue(e.getMessage().contains("gold") && e.getMessage().contains("missing"), e.getMessage());
    }
  }
}
