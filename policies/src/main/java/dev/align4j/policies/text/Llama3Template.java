package dev.align4j.policies.text;

import dev.align4j.policies.text.jinja.PyStrings;
import java.util.ArrayList;
import java.util.List;

/**
 * The Llama 3 instruct chat format (Meta-Llama-3-8B-Instruct's {@code tokenizer_config.json}):
 *
 * <pre>
 * {BOS}&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content | trim}&lt;|eot_id|&gt;...
 * </pre>
 *
 * <p>One block per message; with {@link GenerationPrompt#ADD} the text ends with
 * {@code <|start_header_id|>assistant<|end_header_id|>\n\n}. Content is trimmed as Jinja's {@code trim} does
 * (Python {@code str.strip}: also U+0085, U+00A0, U+2007, U+202F, which Java's {@link String#strip()} keeps). The
 * completion is each assistant's {@code {content}<|eot_id|>}: the end-of-turn token is trained so the model learns
 * to stop. The BOS text comes from the tokenizer (for Llama 3, {@code <|begin_of_text|>}). The Llama 3.1 variant
 * that injects a "Cutting Knowledge Date" system message is deliberately not reproduced.
 */
public record Llama3Template() implements ChatTemplate {

    /** The token that closes every turn in this format. */
    public static final String END_OF_TURN = "<|eot_id|>";

    @Override
    public String name() {
        return "llama3";
    }

    @Override
    public String identity() {
        return "llama3";
    }

    @Override
    public RenderedChat render(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt generationPrompt) {
        ChatTemplate.requireMessages(messages);
        List<Segment> out = new ArrayList<>();
        out.add(new Segment(specials.bosToken().orElseThrow(() -> new IllegalStateException(
                "the llama3 template needs a BOS token (<|begin_of_text|>) but the tokenizer has none")), Part.PROMPT));
        for (ChatMessage message : messages) {
            out.add(new Segment(header(message.role().wireName()), Part.PROMPT));
            Part part = message.role() == Role.ASSISTANT ? Part.COMPLETION : Part.PROMPT;
            out.add(new Segment(PyStrings.strip(message.content()) + END_OF_TURN, part));
        }
        if (generationPrompt == GenerationPrompt.ADD) {
            out.add(new Segment(header(Role.ASSISTANT.wireName()), Part.PROMPT));
        }
        return new RenderedChat(out);
    }

    private static String header(String role) {
        return "<|start_header_id|>" + role + "<|end_header_id|>\n\n";
    }

    /** Registers {@code "llama3"}. */
    public static final class Type implements ChatTemplateType {
        @Override
        public String name() {
            return "llama3";
        }

        @Override
        public Class<Llama3Template> configType() {
            return Llama3Template.class;
        }

        @Override
        public ChatTemplate create() {
            return new Llama3Template();
        }
    }
}
