package dev.align4j.policies.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.policies.text.jinja.ChatTemplateFixtures;
import dev.align4j.policies.text.jinja.ChatTemplateFixtures.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in templates and {@code "chat_template": "model"} against the committed fixtures, whose expected text
 * Python's Jinja2 rendered from the real templates (chat-templates/generate.py):
 *
 * <ul>
 *   <li>{@code tulu} (with BOS) = open-instruct's tulu template with {@code {{ bos_token }}} first, {@code tulu}
 *       without BOS = open-instruct's, {@code llama3} = Meta-Llama-3-8B-Instruct's, {@code chatml} = the plain ChatML
 *       template: byte-identical text, and completion segments exactly open-instruct's assistant spans;
 *   <li>a model folder whose tokenizer_config.json carries the real Llama 3.1 or Qwen2.5 template gives the same text
 *       as apply_chat_template, and the ids of that text tokenized without special tokens (what
 *       {@code apply_chat_template(tokenize=True)} does): one BOS for Llama (written by the template, none added by the
 *       tokenizer), none for Qwen.
 * </ul>
 */
@Timeout(120)
class ChatTemplateFixtureTest {

    record Builtin(String fixture, ChatTemplate template) {}

    static final List<Builtin> BUILTINS = List.of(
            new Builtin("tulu-bos", ChatTemplate.byName("tulu")),
            new Builtin("tulu", new TuluTemplate(TuluTemplate.Bos.OMIT)),
            new Builtin("llama3-instruct", ChatTemplate.byName("llama3")),
            new Builtin("chatml", ChatTemplate.byName("chatml")));

    record BuiltinCase(Builtin builtin, Case fixture) {
        @Override
        public String toString() {
            return builtin.template().name() + " ~ " + fixture;
        }
    }

    static Stream<BuiltinCase> builtinCases() {
        List<BuiltinCase> out = new ArrayList<>();
        for (Builtin b : BUILTINS) {
            for (Case c : ChatTemplateFixtures.cases()) {
                if (c.template().equals(b.fixture())) {
                    out.add(new BuiltinCase(b, c));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtinCases")
    void builtinsRenderLikeTheirReferenceTemplates(BuiltinCase bc) {
        Case c = bc.fixture();
        List<ChatMessage> messages = messages(ChatTemplateFixtures.conversation(c.conversation()));
        RenderedChat rendered = bc.builtin().template().render(messages, specials(c.template()),
                c.addGenerationPrompt() ? GenerationPrompt.ADD : GenerationPrompt.OMIT);
        String expected = c.row().get("text").asText();
        assertEquals(expected, rendered.text());
        if (c.row().has("assistant_spans")) {
            assertEquals(show(ChatTemplateFixtures.spans(c.row(), "assistant_spans", expected)), show(completionSpans(rendered)));
        }
    }

    @Test
    void builtinCasesCoverEveryBuiltinAndTheUnicodeWhitespaceConversation() {
        assertEquals(BUILTINS.size(), builtinCases().map(b -> b.builtin().fixture()).distinct().count());
        assertTrue(builtinCases().filter(b -> b.fixture().conversation().equals("unicode-whitespace")).count() >= 8);
    }

    @Test
    void llama3TrimsWhatPythonStripsNotWhatJavaStrips() {
        String content = "\u0085\u00a0 hi \u2007\u202f";
        RenderedChat r = new Llama3Template().render(List.of(ChatMessage.user(content)), specials("llama3-instruct"),
                GenerationPrompt.OMIT);
        assertTrue(r.text().contains("\n\nhi<|eot_id|>"), r.text());
        assertFalse(content.strip().equals("hi"), "Java's strip() keeps these; the template must not use it");
    }

    @Test
    void modelFolderWithTheRealLlama31TemplateMatchesApplyChatTemplate(@TempDir Path dir) throws IOException {
        Path model = modelFolder(dir, "llama3.1-instruct", "<|begin_of_text|>", "<|eot_id|>");
        assertModelFolderMatches(model, "llama3.1-instruct", 1);
    }

    @Test
    void modelFolderWithTheRealQwen25TemplateMatchesApplyChatTemplate(@TempDir Path dir) throws IOException {
        Path model = modelFolder(dir, "qwen2.5-instruct", null, "<|im_end|>");
        assertModelFolderMatches(model, "qwen2.5-instruct", 0);
    }

    @Test
    void unknownSpecsAndFoldersWithoutTemplateAreConfigErrors(@TempDir Path dir) throws IOException {
        TinyTokenizer.writeTulu(dir);
        InvalidConfigException none = assertThrows(InvalidConfigException.class, () -> ChatTemplate.resolve("model", dir));
        assertEquals("chat_template", none.field());
        InvalidConfigException missing = assertThrows(InvalidConfigException.class,
                () -> ChatTemplate.checkSpec(dir.resolve("nope.jinja").toString()));
        assertTrue(missing.getMessage().contains("file not found"), missing.getMessage());
        assertEquals("chat_template", assertThrows(InvalidConfigException.class, () -> ChatTemplate.checkSpec("zephyr")).field());
    }

    @Test
    void aJinjaFileSpecRendersThatFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.jinja");
        Files.writeString(file, ChatTemplateFixtures.templateSource("chatml-generation"));
        ChatTemplate t = ChatTemplate.resolve(file.toString(), dir);
        List<ChatMessage> msgs = List.of(ChatMessage.user("hi"), ChatMessage.assistant(" yo "));
        RenderedChat r = t.render(msgs, SpecialTokens.none(), GenerationPrompt.OMIT);
        assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nyo<|im_end|>\n", r.text());
        // {% generation %} decides the mask: the trimmed content and <|im_end|>, not the newline after it
        assertEquals(List.of("yo<|im_end|>"), r.segments().stream().filter(s -> s.part() == Part.COMPLETION).map(Segment::text).toList());
    }

    private static void assertModelFolderMatches(Path model, String fixture, int expectedBos) {
        ChatTemplate template = ChatTemplate.resolve("model", model);
        int checked = 0;
        try (Tokenizer tok = Tokenizer.fromFolder(model)) {
            ChatEncoder encoder = new ChatEncoder(tok, template);
            for (Case c : ChatTemplateFixtures.cases()) {
                JsonNode conv = ChatTemplateFixtures.conversation(c.conversation());
                if (!c.template().equals(fixture) || conv.has("tools") || !c.row().has("text")) {
                    continue;
                }
                List<ChatMessage> messages = messages(conv);
                GenerationPrompt gp = c.addGenerationPrompt() ? GenerationPrompt.ADD : GenerationPrompt.OMIT;
                String expected = c.row().get("text").asText();
                assertEquals(expected, template.renderText(messages, tok.specialTokens(), gp), c.toString());
                int[] ids = encoder.encode(messages, gp).ids();
                assertArrayEquals(tok.encode(expected), ids, c.toString());
                int bosCount = 0;
                for (int id : ids) {
                    bosCount += id == TinyTokenizer.BEGIN ? 1 : 0;
                }
                assertEquals(expectedBos, bosCount, c.toString());
                if (c.row().has("assistant_spans")) {
                    assertEquals(show(ChatTemplateFixtures.spans(c.row(), "assistant_spans", expected)),
                            show(completionSpans(template.render(messages, tok.specialTokens(), gp))), c.toString());
                }
                checked++;
            }
            if (expectedBos == 1) {
                int[] withSpecials = tok.encodeWithSpecialTokens(template.renderText(
                        List.of(ChatMessage.user("hi")), tok.specialTokens(), GenerationPrompt.ADD));
                assertEquals(TinyTokenizer.BOS, withSpecials[0], "the post-processor would have added another BOS");
            }
        }
        assertTrue(checked >= 8, "cases checked: " + checked);
    }

    /** A folder as Hugging Face saves it: tokenizer.json plus tokenizer_config.json carrying the real template. */
    private static Path modelFolder(Path dir, String fixture, String bos, String eos) throws IOException {
        TinyTokenizer.writeWithChatMl(dir);
        ObjectNode config = ChatTemplateFixtures.JSON.createObjectNode();
        if (bos == null) {
            config.putNull("bos_token");
        } else {
            config.putObject("bos_token").put("content", bos).put("special", true); // AddedToken form
        }
        config.put("eos_token", eos);
        config.put("pad_token", "<|endoftext|>");
        config.put("chat_template", ChatTemplateFixtures.templateSource(fixture));
        Files.writeString(dir.resolve("tokenizer_config.json"), config.toPrettyString());
        return dir;
    }

    static List<ChatMessage> messages(JsonNode conversation) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : conversation.get("messages")) {
            out.add(new ChatMessage(Role.parse(m.get("role").asText()), m.get("content").asText()));
        }
        return out;
    }

    /** The fixture's special tokens as the tokenizer would report them (ids are irrelevant to rendering). */
    static SpecialTokens specials(String fixture) {
        var tokens = ChatTemplateFixtures.specialTokens(fixture);
        Optional<String> bos = Optional.ofNullable((String) tokens.get("bos_token"));
        Optional<String> eos = Optional.ofNullable((String) tokens.get("eos_token"));
        return new SpecialTokens(bos, bos.isPresent() ? OptionalInt.of(0) : OptionalInt.empty(),
                eos, eos.isPresent() ? OptionalInt.of(1) : OptionalInt.empty());
    }

    static List<int[]> completionSpans(RenderedChat rendered) {
        List<int[]> out = new ArrayList<>();
        int at = 0;
        for (Segment s : rendered.segments()) {
            if (s.part() == Part.COMPLETION && !s.text().isEmpty()) {
                if (!out.isEmpty() && out.get(out.size() - 1)[1] == at) {
                    out.get(out.size() - 1)[1] = at + s.text().length();
                } else {
                    out.add(new int[] {at, at + s.text().length()});
                }
            }
            at += s.text().length();
        }
        return out;
    }

    static String show(List<int[]> spans) {
        StringBuilder b = new StringBuilder();
        spans.forEach(s -> b.append('[').append(s[0]).append(',').append(s[1]).append(") "));
        return b.toString().strip();
    }
}
