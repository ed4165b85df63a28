package dev.align4j.policies.text;

import static dev.align4j.policies.text.TinyTokenizer.ASSISTANT;
import static dev.align4j.policies.text.TinyTokenizer.BEGIN;
import static dev.align4j.policies.text.TinyTokenizer.BOS;
import static dev.align4j.policies.text.TinyTokenizer.END_HEADER;
import static dev.align4j.policies.text.TinyTokenizer.EOS;
import static dev.align4j.policies.text.TinyTokenizer.EOT;
import static dev.align4j.policies.text.TinyTokenizer.HE;
import static dev.align4j.policies.text.TinyTokenizer.LL;
import static dev.align4j.policies.text.TinyTokenizer.NEWLINE;
import static dev.align4j.policies.text.TinyTokenizer.START_HEADER;
import static dev.align4j.policies.text.TinyTokenizer.SYSTEM;
import static dev.align4j.policies.text.TinyTokenizer.USER;
import static dev.align4j.policies.text.TinyTokenizer.c;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatEncoderTest {

    private static final boolean T = true, F = false;

    @TempDir
    Path dir;

    private Tokenizer tok;

    @AfterEach
    void close() {
        if (tok != null) {
            tok.close();
        }
    }

    private ChatEncoder tulu() throws IOException {
        tok = Tokenizer.fromFolder(TinyTokenizer.writeTulu(dir));
        return new ChatEncoder(tok, ChatTemplate.byName("tulu"));
    }

    private ChatEncoder llama3() throws IOException {
        tok = Tokenizer.fromFolder(TinyTokenizer.writeLlama3(dir));
        return new ChatEncoder(tok, ChatTemplate.byName("llama3"));
    }

    @Test
    void tuluRendersOpenInstructText() throws IOException {
        ChatEncoder enc = tulu();
        List<ChatMessage> chat = List.of(ChatMessage.system("be nice"), ChatMessage.user("hi"), ChatMessage.assistant("hello"),
                ChatMessage.user("bye"), ChatMessage.assistant("ok"));
        // Expected strings written from open-instruct's CHAT_TEMPLATES["tulu"] with a BOS prefix (--add_bos).
        assertEquals("<s><|system|>\nbe nice\n<|user|>\nhi\n<|assistant|>\nhello</s>\n<|user|>\nbye\n<|assistant|>\nok</s>",
                enc.template().render(chat, tok.specialTokens(), GenerationPrompt.OMIT).text());
        assertEquals("<s><|user|>\nhi\n<|assistant|>\n",
                enc.template().render(List.of(ChatMessage.user("hi")), tok.specialTokens(), GenerationPrompt.ADD).text());
        assertEquals("<|user|>\nhi\n", new TuluTemplate(TuluTemplate.Bos.OMIT)
                .render(List.of(ChatMessage.user("hi")), tok.specialTokens(), GenerationPrompt.OMIT).text());
    }

    @Test
    void tuluSingleTurnIdsAndMask() throws IOException {
        TokenizedChat chat = tulu().encodePromptCompletion("hi", "hello", 100);
        assertArrayEquals(new int[] {BOS, USER, NEWLINE, c('h'), c('i'), NEWLINE, ASSISTANT, NEWLINE, HE, LL, c('o'), EOS},
                chat.ids());
        assertArrayEquals(new boolean[] {F, F, F, F, F, F, F, F, T, T, T, T}, chat.lossMask());
        assertEquals(OptionalInt.of(8), chat.completionStart());
        assertEquals(4, chat.lossTokenCount());
        assertFalse(chat.truncation().isTruncated());
    }

    @Test
    void tuluMultiTurnMasksEveryAssistantTurnButNotTheNewlineAfterEos() throws IOException {
        ChatEncoder enc = tulu();
        TokenizedChat chat = enc.encode(List.of(ChatMessage.user("a"), ChatMessage.assistant("b"), ChatMessage.user("c"),
                ChatMessage.assistant("d")), GenerationPrompt.OMIT);
        int[] ids = {BOS, USER, NEWLINE, c('a'), NEWLINE, ASSISTANT, NEWLINE, c('b'), EOS, NEWLINE,
                USER, NEWLINE, c('c'), NEWLINE, ASSISTANT, NEWLINE, c('d'), EOS};
        boolean[] mask = {F, F, F, F, F, F, F, T, T, F, F, F, F, F, F, F, T, T};
        assertArrayEquals(ids, chat.ids());
        assertArrayEquals(mask, chat.lossMask());
    }

    @Test
    void llama3IdsAndMaskWithTrimmedContent() throws IOException {
        TokenizedChat chat = llama3().encode(List.of(ChatMessage.system("x"), ChatMessage.user(" hi\n"),
                ChatMessage.assistant("hello ")), GenerationPrompt.OMIT);
        int[] sys = {START_HEADER, c('s'), c('y'), c('s'), c('t'), c('e'), c('m'), END_HEADER, NEWLINE, NEWLINE, c('x'), EOT};
        int[] user = {START_HEADER, c('u'), c('s'), c('e'), c('r'), END_HEADER, NEWLINE, NEWLINE, c('h'), c('i'), EOT};
        int[] asst = {START_HEADER, c('a'), c('s'), c('s'), c('i'), c('s'), c('t'), c('a'), c('n'), c('t'), END_HEADER,
                NEWLINE, NEWLINE};
        int[] completion = {HE, LL, c('o'), EOT};
        int[] expected = concat(new int[] {BEGIN}, sys, user, asst, completion);
        assertArrayEquals(expected, chat.ids());
        boolean[] mask = chat.lossMask();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(i >= expected.length - completion.length, mask[i], "mask at " + i);
        }
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                tok.decode(llama3Again().encodeGenerationPrompt("hi")));
    }

    private ChatEncoder llama3Again() {
        return new ChatEncoder(tok, new Llama3Template());
    }

    @Test
    void truncationKeepsTheStartAndReportsWhatWasCut() throws IOException {
        TokenizedChat chat = tulu().encodePromptCompletion("hi", "hello", 10);
        assertArrayEquals(new int[] {BOS, USER, NEWLINE, c('h'), c('i'), NEWLINE, ASSISTANT, NEWLINE, HE, LL}, chat.ids());
        assertEquals(new Truncation(12, 10, 2), chat.truncation());
        assertEquals(2, chat.lossTokenCount());
        TokenizedChat promptOnly = new ChatEncoder(tok, ChatTemplate.byName("tulu")).encodePromptCompletion("hi", "hello", 8);
        assertEquals(OptionalInt.empty(), promptOnly.completionStart());
        assertEquals(4, promptOnly.truncation().droppedLossTokens());
        assertTrue(promptOnly.truncation().isTruncated());
    }

    @Test
    void decodedIdsEqualTheRenderedTextAndMaskedTokensEqualTheAssistantTurns() throws IOException {
        ChatEncoder enc = tulu();
        List<ChatMessage> chat = List.of(ChatMessage.user("what is two plus two?"), ChatMessage.assistant("four."),
                ChatMessage.user("and hello?"), ChatMessage.assistant("hello, hello!"));
        TokenizedChat t = enc.encode(chat, GenerationPrompt.OMIT);
        assertEquals(enc.template().render(chat, tok.specialTokens(), GenerationPrompt.OMIT).text(), tok.decode(t.ids()));
        StringBuilder completion = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            if (t.lossMask()[i]) {
                completion.append(tok.decode(new int[] {t.ids()[i]}));
            }
        }
        assertEquals("four.</s>hello, hello!</s>", completion.toString());
    }

    @Test
    void badArgumentsAreNamed() throws IOException {
        ChatEncoder enc = tulu();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.byName("zephyr"));
        assertTrue(unknown.getMessage().startsWith("chat_template unknown chat template 'zephyr'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("chatml, llama3, tulu"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> enc.encode(List.of(), GenerationPrompt.OMIT));
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
                () -> enc.encodePromptCompletion("a", "b", 0));
        assertTrue(max.getMessage().contains("maxLength"), max.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Role.parse("tool"));
        assertEquals(Role.ASSISTANT, Role.parse("assistant"));
    }

    @Test
    void templatesThatNeedMissingSpecialTokensSayWhich() throws IOException {
        tok = Tokenizer.fromFolder(TinyTokenizer.writeBare(dir));
        ChatEncoder tuluWithBos = new ChatEncoder(tok, TuluTemplate.withBos());
        IllegalStateException bos = assertThrows(IllegalStateException.class,
                () -> tuluWithBos.encodePromptCompletion("a", "b", 10));
        assertTrue(bos.getMessage().contains("BOS"), bos.getMessage());
        ChatEncoder tuluNoBos = new ChatEncoder(tok, new TuluTemplate(TuluTemplate.Bos.OMIT));
        IllegalStateException eos = assertThrows(IllegalStateException.class,
                () -> tuluNoBos.encodePromptCompletion("a", "b", 10));
        assertTrue(eos.getMessage().contains("EOS"), eos.getMessage());
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
