package dev.align4j.policies.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.policies.llama.InvalidModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Hugging Face fast tokenizer loaded offline from a model folder's {@code tokenizer.json}, through DJL's
 * {@link HuggingFaceTokenizer} (the Rust {@code tokenizers} library, so ids match {@code transformers} exactly).
 *
 * <p>Two ways to encode: {@link #encode} as {@code tokenizer(text, add_special_tokens=False)} (what
 * {@code apply_chat_template} uses), and {@link #encodeWithSpecialTokens} which also runs the tokenizer's
 * post-processor (e.g. prepends BOS). No truncation and no padding happen here; {@link ChatEncoder} truncates.
 *
 * <p>Native memory: the tokenizer owns a native handle; close it when done.
 */
public final class Tokenizer implements AutoCloseable {

    /** How {@link #decode(int[], SpecialTokenText)} treats special tokens. */
    public enum SpecialTokenText {
        KEEP,
        SKIP
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer hf;
    private final SpecialTokens specials;
    private final String fingerprint;

    private Tokenizer(HuggingFaceTokenizer hf, Path folder, String fingerprint) {
        this.hf = hf;
        this.fingerprint = fingerprint;
        this.specials = resolveSpecials(folder);
    }

    /**
     * Loads {@code tokenizer.json} from {@code folder}; BOS/EOS come from {@code tokenizer_config.json} and
     * {@code config.json} when present (see {@link SpecialTokens}).
     *
     * @throws IllegalArgumentException naming the file when {@code tokenizer.json} is missing or unreadable
     */
    public static Tokenizer fromFolder(Path folder) {
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": tokenizer.json not found in the model folder");
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            requireUsable(file, bytes);
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new Tokenizer(hf, folder, sha256Hex(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read tokenizer", e);
        } catch (InvalidModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a valid Hugging Face tokenizer.json: " + e.getMessage(), e);
        }
    }

    /** Token ids of {@code text} without special tokens added. */
    public int[] encode(String text) {
        return toInts(hf.encode(text, false, false).getIds());
    }

    /**
     * Token ids of each text without special tokens added. One native call per text: the native batch call turns
     * any tokenizer error into a Rust panic that aborts the JVM, the single call reports it as an exception.
     */
    public List<int[]> encodeAll(List<String> texts) {
        return texts.stream().map(this::encode).toList();
    }

    /** Token ids of {@code text} with the tokenizer's post-processor applied (e.g. BOS prepended). */
    public int[] encodeWithSpecialTokens(String text) {
        return toInts(hf.encode(text, true, false).getIds());
    }

    /** Text of {@code ids}, special tokens written out. */
    public String decode(int[] ids) {
        return decode(ids, SpecialTokenText.KEEP);
    }

    /** Text of {@code ids}, special tokens written out or skipped. */
    public String decode(int[] ids, SpecialTokenText specialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return hf.decode(longs, specialTokens == SpecialTokenText.SKIP);
    }

    /** The id of a token given as text when it encodes to exactly one token (e.g. {@code <|eot_id|>}). */
    public OptionalInt tokenId(String token) {
        int[] ids = encode(token);
        return ids.length == 1 ? OptionalInt.of(ids[0]) : OptionalInt.empty();
    }

    /** BOS/EOS text and ids. */
    public SpecialTokens specialTokens() {
        return specials;
    }

    /** SHA-256 (hex) of the {@code tokenizer.json} bytes: the tokenizer's identity in cache keys. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public void close() {
        hf.close();
    }

    private SpecialTokens resolveSpecials(Path folder) {
        JsonNode tokenizerConfig = readJsonIfPresent(folder.resolve("tokenizer_config.json"));
        JsonNode modelConfig = readJsonIfPresent(folder.resolve("config.json"));
        Optional<String> bosText = SpecialTokens.tokenText(tokenizerConfig.path("bos_token"));
        Optional<String> eosText = SpecialTokens.tokenText(tokenizerConfig.path("eos_token"));
        OptionalInt bosId = bosText.isPresent() ? requireId(bosText.get(), "bos_token") : firstId(modelConfig.path("bos_token_id"));
        OptionalInt eosId = eosText.isPresent() ? requireId(eosText.get(), "eos_token") : firstId(modelConfig.path("eos_token_id"));
        if (bosText.isEmpty() && bosId.isPresent()) {
            bosText = Optional.of(decode(new int[] {bosId.getAsInt()}));
        }
        if (eosText.isEmpty() && eosId.isPresent()) {
            eosText = Optional.of(decode(new int[] {eosId.getAsInt()}));
        }
        return new SpecialTokens(bosText, bosId, eosText, eosId);
    }

    private OptionalInt requireId(String token, String field) {
        OptionalInt id = tokenId(token);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("tokenizer_config.json: " + field + " '" + token
                    + "' is not a single token of tokenizer.json");
        }
        return id;
    }

    private static OptionalInt firstId(JsonNode node) {
        if (node.isIntegralNumber()) {
            return OptionalInt.of(node.asInt());
        }
        if (node.isArray() && !node.isEmpty() && node.get(0).isIntegralNumber()) {
            return OptionalInt.of(node.get(0).asInt());
        }
        return OptionalInt.empty();
    }

    private static JsonNode readJsonIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file.getFileName() + ": malformed JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a {@code tokenizer.json} that the native library loads but then fails on while encoding: an unknown
     * token ({@code model.unk_token}, or Unigram's {@code model.unk_id}) that is not in the model's vocabulary. Such
     * a file encodes text it knows and fails on the first character it does not, in a batch call by aborting the
     * JVM (a Rust panic).
     *
     * @throws InvalidModelException naming the file and field
     */
    static void requireUsable(Path file, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw InvalidModelException.file(file, "malformed JSON: " + e.getMessage(), e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.isObject()) {
            throw InvalidModelException.field(file, "model", "missing (a tokenizer.json has a model object)");
        }
        JsonNode vocab = model.path("vocab");
        JsonNode unkToken = model.path("unk_token");
        if (unkToken.isTextual() && vocab.isObject() && !vocab.has(unkToken.asText())) {
            throw InvalidModelException.field(file, "model.unk_token", "'" + unkToken.asText() + "' is not in "
                    + "model.vocab (" + vocab.size() + " entries); the tokenizer would fail on the first unknown "
                    + "character");
        }
        JsonNode unkId = model.path("unk_id");
        if (unkId.isIntegralNumber() && vocab.isArray() && (unkId.asLong() < 0 || unkId.asLong() >= vocab.size())) {
            throw InvalidModelException.field(file, "model.unk_id", unkId.asLong() + " is outside model.vocab (" 
                    + vocab.size() + " entries)");
        }
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
