package dev.align4j.policies.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Tulu chat format (Tulu 2/3 model cards; open-instruct's {@code CHAT_TEMPLATES["tulu"]}):
 *
 * <pre>
 * [BOS]&lt;|system|&gt;\n{system}\n&lt;|user|&gt;\n{user}\n&lt;|assistant|&gt;\n{assistant}{EOS}\n&lt;|user|&gt;\n...&lt;|assistant|&gt;\n{assistant}{EOS}
 * </pre>
 *
 * <p>Every assistant turn is followed by the tokenizer's EOS token; a newline follows the EOS except after the last
 * message. With {@link GenerationPrompt#ADD} the text ends with {@code <|assistant|>\n}. Content is written verbatim
 * (not stripped). The completion is each assistant's {@code {content}{EOS}}; the newline after EOS belongs to the
 * prompt, as in open-instruct's label masking (prefixes are rendered with the assistant turn last, so without it).
 *
 * <p>The BOS token is written first when {@code bos} is {@link Bos#PREPEND}, matching open-instruct's
 * {@code --add_bos} (used for the Llama-3.1 based Tulu 3 models, whose template begins with {@code {{ bos_token }}}).
 *
 * @param bos whether to write the tokenizer's BOS token before the first message
 */
public record TuluTemplate(Bos bos) implements ChatTemplate {

    /** Whether a template starts with the BOS token. */
    public enum Bos {
        PREPEND,
        OMIT
    }

    public TuluTemplate {
        Objects.requireNonNull(bos, "bos");
    }

    /** Tulu with the BOS token first: the format of the Llama-3.1 Tulu 3 models; registered as {@code tulu}. */
    public static TuluTemplate withBos() {
        return new TuluTemplate(Bos.PREPEND);
    }

    @Override
    public String name() {
        return "tulu";
    }

    @Override
    public String identity() {
        return "tulu/bos=" + bos.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public RenderedChat render(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt generationPrompt) {
        ChatTemplate.requireMessages(messages);
        List<Segment> out = new ArrayList<>();
        if (bos == Bos.PREPEND) {
            out.add(new Segment(specials.bosToken().orElseThrow(() -> new IllegalStateException(
                    "the tulu template with BOS needs a BOS token but the tokenizer has none; use new TuluTemplate(Bos.OMIT)")),
                    Part.PROMPT));
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            boolean last = i == messages.size() - 1;
            switch (message.role()) {
                case SYSTEM -> out.add(new Segment("<|system|>\n" + message.content() + "\n", Part.PROMPT));
                case USER -> out.add(new Segment("<|user|>\n" + message.content() + "\n", Part.PROMPT));
                case ASSISTANT -> {
                    out.add(new Segment("<|assistant|>\n", Part.PROMPT));
                    out.add(new Segment(message.content() + specials.requireEosToken("the tulu template"), Part.COMPLETION));
                    if (!last) {
                        out.add(new Segment("\n", Part.PROMPT));
                    }
                }
            }
        }
        if (generationPrompt == GenerationPrompt.ADD) {
            out.add(new Segment("<|assistant|>\n", Part.PROMPT));
        }
        return new RenderedChat(out);
    }

    /** Registers {@code "tulu"}: Tulu with BOS first (open-instruct {@code --add_bos}, the Tulu 3 Llama models). */
    public static final class Type implements ChatTemplateType {
        @Override
        public String name() {
            return "tulu";
        }

        @Override
        public Class<TuluTemplate> configType() {
            return TuluTemplate.class;
        }

        @Override
        public ChatTemplate create() {
            return withBos();
        }
    }
}
