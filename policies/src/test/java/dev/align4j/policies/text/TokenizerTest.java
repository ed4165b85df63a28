package dev.align4j.policies.text;

import static dev.align4j.policies.text.TinyTokenizer.BEGIN;
import static dev.align4j.policies.text.TinyTokenizer.BOS;
import static dev.align4j.policies.text.TinyTokenizer.EOS;
import static dev.align4j.policies.text.TinyTokenizer.EOT;
import static dev.align4j.policies.text.TinyTokenizer.HE;
import static dev.align4j.policies.text.TinyTokenizer.LL;
import static dev.align4j.policies.text.TinyTokenizer.c;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.policies.llama.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

    @TempDir
    Path dir;

    @Test
    void encodesWithMergesAndWithoutSpecialTokens() throws IOException {
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeTulu(dir))) {
            assertArrayEquals(new int[] {HE, LL, c('o'), c(' '), c('w'), c('o'), c('r'), c('l'), c('d')}, tok.encode("hello world"));
            assertArrayEquals(new int[] {BOS, HE, LL, c('o')}, tok.encodeWithSpecialTokens("hello"));
        }
    }

    @Test
    void specialTokenStringsInTextBecomeSingleIds() throws IOException {
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeTulu(dir))) {
            assertArrayEquals(new int[] {c('a'), EOS, TinyTokenizer.NEWLINE, TinyTokenizer.USER}, tok.encode("a</s>\n<|user|>"));
            assertEquals(OptionalInt.of(EOT), tok.tokenId("<|eot_id|>"));
            assertEquals(OptionalInt.empty(), tok.tokenId("ab"));
        }
    }

    @Test
    void decodeRoundTripsAndCanSkipSpecialTokens() throws IOException {
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeTulu(dir))) {
            String text = "hello, all!\nhow are you?";
            assertEquals(text, tok.decode(tok.encode(text)));
            int[] withBos = tok.encodeWithSpecialTokens("hello");
            assertEquals("<s>hello", tok.decode(withBos));
            assertEquals("hello", tok.decode(withBos, Tokenizer.SpecialTokenText.SKIP));
        }
    }

    @Test
    void specialTokensComeFromTokenizerConfig() throws IOException {
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeTulu(dir))) {
            SpecialTokens s = tok.specialTokens();
            assertEquals(Optional.of("<s>"), s.bosToken());
            assertEquals(OptionalInt.of(BOS), s.bosId());
            assertEquals(Optional.of("</s>"), s.eosToken());
            assertEquals(OptionalInt.of(EOS), s.eosId());
        }
    }

    @Test
    void specialTokensFallBackToModelConfigIdsWithFirstOfAList() throws IOException {
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeLlama3(dir))) {
            SpecialTokens s = tok.specialTokens();
            assertEquals(Optional.of("<|begin_of_text|>"), s.bosToken());
            assertEquals(OptionalInt.of(BEGIN), s.bosId());
            assertEquals(Optional.of("<|eot_id|>"), s.eosToken());
            assertEquals(OptionalInt.of(EOT), s.eosId());
        }
    }

    @Test
    void bareTokenizerHasNoSpecialTokens() throws IOException {
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeBare(dir))) {
            assertEquals(SpecialTokens.none(), tok.specialTokens());
        }
    }

    @Test
    void fingerprintChangesWithTheTokenizerFile() throws IOException {
        String before;
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeBare(dir))) {
            before = tok.fingerprint();
            assertEquals(64, before.length());
        }
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, Files.readString(file) + "\n"); // any byte change is a different identity
        try (Tokenizer tok = Tokenizer.fromFolder(dir)) {
            assertNotEquals(before, tok.fingerprint());
        }
    }

    @Test
    void missingOrMalformedTokenizerNamesTheFile() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromFolder(dir));
        assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{not json");
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromFolder(dir));
        assertTrue(malformed.getMessage().contains("tokenizer.json"), malformed.getMessage());
    }

    @Test
    void eosTokenThatIsNotATokenIsAnError() throws IOException {
        TinyTokenizer.writeBare(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<nope>\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromFolder(dir));
        assertTrue(e.getMessage().contains("eos_token"), e.getMessage());
    }

    /**
     * A tokenizer.json whose unk token is not in its vocabulary loads natively and encodes known text, but the
     * first unknown character fails, and in DJL's batch call that failure is a Rust panic that aborts the JVM
     * (reproduced with tokenizers 0.35.1 on batchEncode: "fatal runtime error: failed to initiate panic", exit
     * 134). It is refused at load, naming the file and field.
     */
    @Test
    void unkTokenMissingFromTheVocabularyIsRefusedAtLoad() throws IOException {
        TinyTokenizer.writeBare(dir);
        Path file = dir.resolve("tokenizer.json");
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        ((ObjectNode) root.get("model")).put("unk_token", "<missing>");
        Files.writeString(file, root.toString());
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Tokenizer.fromFolder(dir));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("field 'model.unk_token'")
                && e.getMessage().contains("<missing>"), e.getMessage());
    }

    @Test
    void encodeAllReportsUnknownCharactersOneByOne() throws IOException {
        try (Tokenizer tok = Tokenizer.fromFolder(TinyTokenizer.writeBare(dir))) {
            List<int[]> ids = tok.encodeAll(List.of("he", "ll", "HE"));
            assertArrayEquals(new int[] {TinyTokenizer.HE}, ids.get(0));
            assertArrayEquals(new int[] {TinyTokenizer.LL}, ids.get(1));
            assertArrayEquals(new int[] {TinyTokenizer.UNK, TinyTokenizer.UNK}, ids.get(2));
        }
    }
}
