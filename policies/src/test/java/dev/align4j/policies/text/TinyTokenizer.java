package dev.align4j.policies.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small character-level BPE {@code tokenizer.json} (two merges: "h e" and "l l") with the special tokens
 * of both chat formats, so that tests know every id by construction.
 */
final class TinyTokenizer {
    static final List<String> SPECIALS = List.of("<unk>", "<s>", "</s>", "<|user|>", "<|assistant|>", "<|system|>",
            "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");
    static final String CHARS = "\n abcdefghijklmnopqrstuvwxyz.,!?";
    static final int UNK = 0, BOS = 1, EOS = 2, USER = 3, ASSISTANT = 4, SYSTEM = 5, BEGIN = 6, START_HEADER = 7,
            END_HEADER = 8, EOT = 9;
    static final int NEWLINE = 10;
    static final int HE = SPECIALS.size() + CHARS.length();
    static final int LL = HE + 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyTokenizer() {}

    /** Id of a single character of {@link #CHARS}. */
    static int c(char ch) {
        int i = CHARS.indexOf(ch);
        if (i < 0) {
            throw new IllegalArgumentException("not in the tiny vocabulary: " + ch);
        }
        return SPECIALS.size() + i;
    }

    /** Writes tokenizer.json plus a tokenizer_config.json naming {@code <s>} and {@code </s>}. */
    static Path writeTulu(Path dir) throws IOException {
        writeTokenizerJson(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\", \"eos_token\": {\"content\": \"</s>\"}}");
        return dir;
    }

    /** Writes tokenizer.json plus a config.json with bos_token_id 6 and eos_token_id [9, 2] (no tokenizer_config). */
    static Path writeLlama3(Path dir) throws IOException {
        writeTokenizerJson(dir);
        Files.writeString(dir.resolve("config.json"), "{\"bos_token_id\": 6, \"eos_token_id\": [9, 2]}");
        return dir;
    }

    /** Writes only tokenizer.json: no BOS/EOS known. */
    static Path writeBare(Path dir) throws IOException {
        writeTokenizerJson(dir);
        return dir;
    }

    /** ChatML's special tokens, added after the base vocabulary by {@link #writeWithChatMl}. */
    static final List<String> CHATML = List.of("<|im_start|>", "<|im_end|>", "<|endoftext|>");

    /** Writes tokenizer.json with the base vocabulary plus {@link #CHATML}, ids from {@link #LL} + 1 on. */
    static Path writeWithChatMl(Path dir) throws IOException {
        writeTokenizerJson(dir, CHATML);
        return dir;
    }

    private static void writeTokenizerJson(Path dir) throws IOException {
        writeTokenizerJson(dir, List.of());
    }

    private static void writeTokenizerJson(Path dir, List<String> extraSpecials) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        SPECIALS.forEach(s -> vocab.put(s, vocab.size()));
        CHARS.chars().forEach(ch -> vocab.put(String.valueOf((char) ch), vocab.size()));
        vocab.put("he", vocab.size());
        vocab.put("ll", vocab.size());
        extraSpecials.forEach(s -> vocab.put(s, vocab.size()));
        List<String> allSpecials = new java.util.ArrayList<>(SPECIALS);
        allSpecials.addAll(extraSpecials);

        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : allSpecials) {
            ObjectNode t = added.addObject();
            t.put("id", vocab.get(special));
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        post.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        ((ArrayNode) post.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(BOS);
        bos.putArray("tokens").add("<s>");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        model.putArray("merges").add("h e").add("l l");
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
