package dev.align4j.policies.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The ChatML format of Qwen and many others (the plain template of Hugging Face's chat template documentation):
 *
 * <pre>
 * &lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n ...
 * </pre>
 *
 * <p>No BOS token (Qwen's tokenizer has none) and no default system message (Qwen2.5's own template adds one; use
 * {@code "chat_template": "model"} for that). With {@link GenerationPrompt#ADD} the text ends with
 * {@code <|im_start|>assistant\n}. Content is written verbatim. The completion is each assistant's
 * {@code {content}<|im_end|>\n}: open-instruct's prefix rule (the turn ends where the conversation rendered up to
 * it ends) and TRL's prompt/completion split both put the newline after {@code <|im_end|>} in the completion.
 */
public record ChatMlTemplate() implements ChatTemplate {

    /** The token that closes every turn in this format. */
    public static final String END_OF_TURN = "<|im_end|>";

    @Override
    public String name() {
        return "chatml";
    }

    @Override
    public String identity() {
        return "chatml";
    }

    @Override
    public RenderedChat render(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt generationPrompt) {
        ChatTemplate.requireMessages(messages);
        List<Segment> out = new ArrayList<>();
        for (ChatMessage message : messages) {
            out.add(new Segment("<|im_start|>" + message.role().wireName() + "\n", Part.PROMPT));
            Part part = message.role() == Role.ASSISTANT ? Part.COMPLETION : Part.PROMPT;
            out.add(new Segment(message.content() + END_OF_TURN + "\n", part));
        }
        if (generationPrompt == GenerationPrompt.ADD) {
            out.add(new Segment("<|im_start|>assistant\n", Part.PROMPT));
        }
        return new RenderedChat(out);
    }

    /** Registers {@code "chatml"}. */
    public static final class Type implements ChatTemplateType {
        @Override
        public String name() {
            return "chatml";
        }

        @Override
        public Class<ChatMlTemplate> configType() {
            return ChatMlTemplate.class;
        }

        @Override
        public ChatTemplate create() {
            return new ChatMlTemplate();
        }
    }
}
