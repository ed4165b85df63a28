package dev.align4j.policies.text;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The beginning- and end-of-sequence tokens of a tokenizer, as text (what a chat template writes) and as ids
 * (what the model sees).
 *
 * <p>Resolution order used by {@link Tokenizer#fromFolder}: the token strings come from
 * {@code tokenizer_config.json} ({@code bos_token}, {@code eos_token}, either a string or
 * {@code {"content": ...}}), their ids from the tokenizer's vocabulary; when {@code tokenizer_config.json} lacks a
 * token, the id comes from {@code config.json} ({@code bos_token_id}, {@code eos_token_id}; for a list the first
 * entry) and the text from decoding that id.
 *
 * @param bosToken text of the BOS token, e.g. {@code <|begin_of_text|>}
 * @param bosId    id of the BOS token
 * @param eosToken text of the EOS token, e.g. {@code </s>}
 * @param eosId    id of the EOS token
 */
public record SpecialTokens(Optional<String> bosToken, OptionalInt bosId, Optional<String> eosToken, OptionalInt eosId) {
    public SpecialTokens {
        Objects.requireNonNull(bosToken, "bosToken");
        Objects.requireNonNull(bosId, "bosId");
        Objects.requireNonNull(eosToken, "eosToken");
        Objects.requireNonNull(eosId, "eosId");
        if (bosToken.isPresent() != bosId.isPresent()) {
            throw new IllegalArgumentException("bosToken and bosId must both be present or both absent");
        }
        if (eosToken.isPresent() != eosId.isPresent()) {
            throw new IllegalArgumentException("eosToken and eosId must both be present or both absent");
        }
    }

    /** No BOS and no EOS. */
    public static SpecialTokens none() {
        return new SpecialTokens(Optional.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty());
    }

    /**
     * A special token's text as {@code tokenizer_config.json} writes it: a string, or an AddedToken object
     * {@code {"content": ...}}; empty for anything else (absent, {@code null}).
     */
    static Optional<String> tokenText(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isTextual()) {
            return Optional.of(node.asText());
        }
        if (node.isObject() && node.path("content").isTextual()) {
            return Optional.of(node.path("content").asText());
        }
        return Optional.empty();
    }

    /** The EOS text, or an error naming what a template needed it for. */
    String requireEosToken(String why) {
        return eosToken.orElseThrow(() -> new IllegalStateException(
                "the tokenizer has no EOS token (eos_token in tokenizer_config.json or eos_token_id in config.json), needed for "
                        + why));
    }
}
