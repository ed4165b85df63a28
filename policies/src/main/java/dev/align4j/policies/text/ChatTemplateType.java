package dev.align4j.policies.text;

import dev.align4j.core.PluginType;
import dev.align4j.core.Registry;

/**
 * Registers a chat template by name: list an implementation in
 * {@code META-INF/services/dev.align4j.policies.text.ChatTemplateType} and {@code "chat_template": name()} (or
 * {@code --chat-template name}) selects {@link #create()} in every shipped experiment and command. The built-ins
 * ({@code tulu}, {@code llama3}, {@code chatml}) register the same way.
 *
 * <pre>{@code
 * public final class ZephyrType implements ChatTemplateType {
 *   public String name() { return "zephyr"; }
 *   public Class<ZephyrTemplate> configType() { return ZephyrTemplate.class; }
 *   public ChatTemplate create() { return new ZephyrTemplate(); }
 * }
 * }</pre>
 */
public interface ChatTemplateType extends PluginType<ChatTemplate> {

    /** Every registered chat template. */
    Registry<ChatTemplate, ChatTemplateType> REGISTRY = Registry.of(ChatTemplateType.class, "chat template");

    /** The template with its default options. */
    ChatTemplate create();
}
