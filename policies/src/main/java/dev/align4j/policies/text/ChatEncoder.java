package dev.align4j.policies.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Tokenizes conversations with a chat template and builds the completion-only loss mask: every assistant turn for
 * supervised fine-tuning ({@link #encode}), the final turn only for preference pairs ({@link #encodeLastTurn}).
 *
 * <p>Rule (open-instruct {@code sft_tulu_tokenize_and_truncate}): the rendered text is tokenized in one piece
 * without adding special tokens; the token boundary at the end of each rendered segment is the token count of the
 * text up to there, so every token lies in exactly one segment and takes that segment's {@link Part}. Then the
 * first {@code maxLength} tokens are kept and the {@link Truncation} says what was cut.
 *
 * @param tokenizer the tokenizer (not owned: the caller closes it)
 * @param template  the chat format
 */
public record ChatEncoder(Tokenizer tokenizer, ChatTemplate template) {
    public ChatEncoder {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(template, "template");
    }

    /** Encodes without truncation. */
    public TokenizedChat encode(List<ChatMessage> messages, GenerationPrompt generationPrompt) {
        return encode(messages, generationPrompt, Integer.MAX_VALUE);
    }

    /**
     * Encodes and keeps the first {@code maxLength} tokens; the loss mask covers every assistant turn as the template
     * marks it (supervised fine-tuning).
     *
     * @throws IllegalArgumentException when {@code maxLength < 1} or {@code messages} is empty
     */
    public TokenizedChat encode(List<ChatMessage> messages, GenerationPrompt generationPrompt, int maxLength) {
        requireMaxLength(maxLength);
        return encodeSegments(template.render(messages, tokenizer.specialTokens(), generationPrompt).segments(), maxLength);
    }

    /**
     * Encodes {@code prompt + completion} with only the completion in the loss: everything before the final turn is
     * prompt, including earlier assistant turns (preference pairs; TRL's {@code maybe_apply_chat_template} and
     * open-instruct's {@code last_turn_tulu_tokenize_and_truncate_v1}). The prompt text is
     * {@code render(prompt, add_generation_prompt=True)}, cut back to its common prefix with
     * {@code render(prompt + completion)} as TRL does; the completion is the rest of the full render.
     *
     * @param prompt     the conversation so far (at least one message)
     * @param completion the final turn (assistant messages), at least one message
     * @throws IllegalArgumentException when {@code maxLength < 1} or a list is empty
     */
    public TokenizedChat encodeLastTurn(List<ChatMessage> prompt, List<ChatMessage> completion, int maxLength) {
        requireMaxLength(maxLength);
        ChatTemplate.requireMessages(prompt);
        if (completion.isEmpty()) {
            throw new IllegalArgumentException("completion must contain at least one message");
        }
        List<ChatMessage> all = new ArrayList<>(prompt);
        all.addAll(completion);
        SpecialTokens specials = tokenizer.specialTokens();
        String promptText = template.renderText(prompt, specials, GenerationPrompt.ADD);
        String full = template.renderText(all, specials, GenerationPrompt.OMIT);
        int shared = 0;
        int limit = Math.min(promptText.length(), full.length());
        while (shared < limit && promptText.charAt(shared) == full.charAt(shared)) {
            shared++;
        }
        if (shared > 0 && Character.isHighSurrogate(full.charAt(shared - 1))) {
            shared--;
        }
        return encodeSegments(List.of(new Segment(full.substring(0, shared), Part.PROMPT),
                new Segment(full.substring(shared), Part.COMPLETION)), maxLength);
    }

    private static void requireMaxLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        }
    }

    private TokenizedChat encodeSegments(List<Segment> rendered, int maxLength) {
        List<Segment> segments = merged(rendered);
        List<String> prefixes = new ArrayList<>(segments.size());
        StringBuilder text = new StringBuilder();
        for (Segment segment : segments) {
            text.append(segment.text());
            prefixes.add(text.toString());
        }
        List<int[]> encoded = tokenizer.encodeAll(prefixes);
        int[] ids = encoded.get(encoded.size() - 1);
        boolean[] mask = new boolean[ids.length];
        int start = 0;
        for (int s = 0; s < segments.size(); s++) {
            // Clamp: a tokenizer that is not prefix-stable must still give a partition of the full sequence.
            int end = Math.min(ids.length, Math.max(start, encoded.get(s).length));
            if (s == segments.size() - 1) {
                end = ids.length;
            }
            Arrays.fill(mask, start, end, segments.get(s).part() == Part.COMPLETION);
            start = end;
        }
        return truncate(ids, mask, maxLength);
    }

    /** A single-turn pair: {@code [user: prompt, assistant: completion]}, the completion in the loss. */
    public TokenizedChat encodePromptCompletion(String prompt, String completion, int maxLength) {
        return encodeLastTurn(List.of(ChatMessage.user(prompt)), List.of(ChatMessage.assistant(completion)), maxLength);
    }

    /** The ids that prompt the model to answer {@code prompt}: the user turn plus an open assistant header. */
    public int[] encodeGenerationPrompt(String prompt) {
        return encode(List.of(ChatMessage.user(prompt)), GenerationPrompt.ADD).ids();
    }

    private static TokenizedChat truncate(int[] ids, boolean[] mask, int maxLength) {
        if (ids.length <= maxLength) {
            return new TokenizedChat(ids, mask, Truncation.none(ids.length));
        }
        int dropped = 0;
        for (int i = maxLength; i < mask.length; i++) {
            dropped += mask[i] ? 1 : 0;
        }
        return new TokenizedChat(Arrays.copyOf(ids, maxLength), Arrays.copyOf(mask, maxLength),
                new Truncation(ids.length, maxLength, dropped));
    }

    /** Joins neighbouring segments of the same part so that fewer prefixes are tokenized. */
    private static List<Segment> merged(List<Segment> segments) {
        List<Segment> out = new ArrayList<>();
        for (Segment segment : segments) {
            if (segment.text().isEmpty()) {
                continue;
            }
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).part() == segment.part()) {
                out.set(last, new Segment(out.get(last).text() + segment.text(), segment.part()));
            } else {
                out.add(segment);
            }
        }
        if (out.isEmpty()) {
            out.add(new Segment("", Part.PROMPT));
        }
        return out;
    }
}
