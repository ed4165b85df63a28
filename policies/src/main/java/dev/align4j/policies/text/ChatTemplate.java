package dev.align4j.policies.text;

import dev.align4j.core.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chat format: how a list of messages becomes one string, and which parts of it are the completion (the
 * assistant-only loss mask of supervised fine-tuning).
 *
 * <p>An open plug-in point. Three ways to pick one, all through {@link #resolve(String, Path)} (the
 * {@code "chat_template"} config field and the CLI's {@code --chat-template}):
 *
 * <ul>
 *   <li>a registered name: the built-ins {@code tulu} ({@link TuluTemplate}), {@code llama3}
 *       ({@link Llama3Template}) and {@code chatml} ({@link ChatMlTemplate}), or any {@link ChatTemplateType} an
 *       outside jar lists in {@code META-INF/services/dev.align4j.policies.text.ChatTemplateType};
 *   <li>{@code model}: the model folder's own Jinja template ({@code chat_template.jinja}, else
 *       {@code tokenizer_config.json}'s {@code chat_template}), rendered as {@code apply_chat_template} renders it
 *       ({@link JinjaChatTemplate});
 *   <li>a path to a {@code .jinja} file, rendered the same way.
 * </ul>
 *
 * <p>BOS is the template's decision: a template writes the tokenizer's BOS text where the model's format has one
 * (Llama 3's {@code {{ bos_token }}}), and tokenization never adds another ({@link Tokenizer#encode}).
 */
public interface ChatTemplate {

    /** The spec that selects this template ({@code tulu}, {@code model}, a file path). */
    String name();

    /**
     * A stable identity of the template and its options, part of the reference log-prob cache key: two templates
     * with the same identity render every conversation identically.
     */
    String identity();

    /**
     * Renders messages into text segments; the {@link Part#COMPLETION} segments are the assistant turns that
     * supervised fine-tuning trains on.
     *
     * @param messages         the conversation, at least one message
     * @param specials         the tokenizer's BOS/EOS text, for templates that write them
     * @param generationPrompt whether to end with an open assistant header
     * @throws IllegalArgumentException when {@code messages} is empty or the template rejects the conversation
     * @throws IllegalStateException    when the template needs a special token the tokenizer lacks
     */
    RenderedChat render(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt generationPrompt);

    /** The rendered string alone (what {@code apply_chat_template(tokenize=False)} returns). */
    default String renderText(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt generationPrompt) {
        return render(messages, specials, generationPrompt).text();
    }

    /** The registered templates by name, each with its default options. */
    static Map<String, ChatTemplate> registry() {
        Map<String, ChatTemplate> byName = new TreeMap<>();
        ChatTemplateType.REGISTRY.all().forEach((name, type) -> byName.put(name, type.create()));
        return byName;
    }

    /**
     * The registered template {@code name}.
     *
     * @throws InvalidConfigException on field {@code chat_template}, listing the known names
     */
    static ChatTemplate byName(String name) {
        return ChatTemplateType.REGISTRY.find(name).map(ChatTemplateType::create).orElseThrow(() -> unknown(name));
    }

    /**
     * The template a spec names: {@code model} (the folder's own), a {@code .jinja} file path, or a registered name.
     *
     * @param modelFolder the model folder whose template {@code model} means
     * @throws InvalidConfigException on field {@code chat_template} for an unknown name or a folder without a template
     */
    static ChatTemplate resolve(String spec, Path modelFolder) {
        checkSpec(spec);
        if (spec.equals(JinjaChatTemplate.MODEL)) {
            return JinjaChatTemplate.fromModelFolder(modelFolder);
        }
        if (isFileSpec(spec)) {
            return JinjaChatTemplate.fromFile(Path.of(spec));
        }
        return byName(spec);
    }

    /**
     * Validates a spec without a model folder (config validation): {@code model}, an existing {@code .jinja} file,
     * or a registered name.
     *
     * @throws InvalidConfigException on field {@code chat_template}
     */
    static void checkSpec(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidConfigException("chat_template", "is required: model, a .jinja file, or one of "
                    + ChatTemplateType.REGISTRY.names());
        }
        if (spec.equals(JinjaChatTemplate.MODEL) || ChatTemplateType.REGISTRY.find(spec).isPresent()) {
            return;
        }
        if (isFileSpec(spec)) {
            if (!Files.isRegularFile(Path.of(spec))) {
                throw new InvalidConfigException("chat_template", "file not found: " + spec);
            }
            return;
        }
        throw unknown(spec);
    }

    private static boolean isFileSpec(String spec) {
        return spec.endsWith(".jinja") || spec.contains("/") || spec.contains(java.io.File.separator);
    }

    private static InvalidConfigException unknown(String name) {
        return new InvalidConfigException("chat_template", "unknown chat template '" + name + "' (known: model, a "
                + ".jinja file, " + String.join(", ", ChatTemplateType.REGISTRY.names())
                + "; a plug-in jar joins through ALIGN4J_CLASSPATH)");
    }

    /** Rejects an empty conversation with a message naming the field. */
    static void requireMessages(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must contain at least one message");
        }
    }
}
