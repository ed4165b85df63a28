package dev.align4j.policies.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.InvalidConfigException;
import dev.align4j.policies.text.jinja.JinjaTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's own Jinja chat template, rendered as {@code transformers.apply_chat_template} renders it (see
 * {@link JinjaTemplate}): variables {@code messages} (each {@code {"role", "content"}}), {@code add_generation_prompt},
 * and the special tokens the tokenizer defines ({@code bos_token}, {@code eos_token}, and from
 * {@code tokenizer_config.json} {@code pad_token}/{@code unk_token}), each a string whether the config writes it as a
 * string or as an AddedToken {@code {"content": ...}} object.
 *
 * <p>Assistant-only mask: when the template has {@code {% generation %}} blocks, exactly their output is the
 * completion (transformers' {@code return_assistant_tokens_mask}, TRL's {@code assistant_only_loss}). Otherwise
 * each assistant message {@code i} spans from the end of {@code render(messages[:i], add_generation_prompt=True)} to
 * the end of {@code render(messages[:i+1])} (open-instruct's {@code sft_tulu_tokenize_and_truncate} rule); a template
 * whose shorter renders are not prefixes of the full one (Qwen3 drops the reasoning of earlier turns) is refused
 * for that, with a message saying to add generation blocks. Preference data needs only the final turn
 * ({@link ChatEncoder#encodeLastTurn}), which works for every template.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    /** The spec that selects the model folder's own template. */
    public static final String MODEL = "model";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JinjaTemplate template;
    private final String name;
    private final Map<String, String> extraTokens;

    /**
     * @param template    the compiled template
     * @param name        the spec that selected it ({@code model} or a file path)
     * @param extraTokens further special-token variables ({@code pad_token}, {@code unk_token}); BOS/EOS come from the
     *                    tokenizer at render time
     */
    public JinjaChatTemplate(JinjaTemplate template, String name, Map<String, String> extraTokens) {
        this.template = Objects.requireNonNull(template, "template");
        this.name = Objects.requireNonNull(name, "name");
        this.extraTokens = Map.copyOf(extraTokens);
    }

    /**
     * The template of a model folder: {@code chat_template.jinja} when present (newer transformers save it there),
     * else {@code chat_template} of {@code tokenizer_config.json} (a string, or a list of {@code {"name", "template"}}
     * of which {@code default} is used).
     *
     * @throws InvalidConfigException on field {@code chat_template} when the folder has no template
     */
    public static JinjaChatTemplate fromModelFolder(Path folder) {
        Path configFile = folder.resolve("tokenizer_config.json");
        JsonNode config = JSON.createObjectNode();
        if (Files.isRegularFile(configFile)) {
            try {
                config = JSON.readTree(configFile.toFile());
            } catch (IOException e) {
                throw new InvalidConfigException("chat_template", configFile + ": malformed JSON: " + e.getMessage());
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (String token : List.of("pad_token", "unk_token")) {
            SpecialTokens.tokenText(config.path(token)).ifPresent(t -> extra.put(token, t));
        }
        Path jinjaFile = folder.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinjaFile)) {
            return new JinjaChatTemplate(JinjaTemplate.compile(read(jinjaFile), jinjaFile.toString()), MODEL, extra);
        }
        JsonNode node = config.path("chat_template");
        String source = null;
        if (node.isTextual()) {
            source = node.asText();
        } else if (node.isArray()) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    source = named.path("template").asText();
                }
            }
        }
        if (source == null) {
            throw new InvalidConfigException("chat_template", "is 'model' but " + folder
                    + " has no chat_template.jinja and tokenizer_config.json has no chat_template string");
        }
        return new JinjaChatTemplate(JinjaTemplate.compile(source, configFile + ": chat_template"), MODEL, extra);
    }

    /** A template from a {@code .jinja} file (no extra special tokens beyond the tokenizer's BOS/EOS). */
    public static JinjaChatTemplate fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException("chat_template", "file not found: " + file);
        }
        return new JinjaChatTemplate(JinjaTemplate.compile(read(file), file.toString()), file.toString(), Map.of());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException("chat_template", file + ": cannot read: " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String identity() {
        return "jinja/sha256=" + Tokenizer.sha256Hex(template.source().getBytes(StandardCharsets.UTF_8))
                + new java.util.TreeMap<>(extraTokens);
    }

    /** The compiled template. */
    public JinjaTemplate template() {
        return template;
    }

    @Override
    public String renderText(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt generationPrompt) {
        return output(messages, specials, generationPrompt).text();
    }

    @Override
    public RenderedChat render(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt generationPrompt) {
        ChatTemplate.requireMessages(messages);
        JinjaTemplate.Output full = output(messages, specials, generationPrompt);
        List<int[]> spans = full.generationSpans().isEmpty()
                ? prefixSpans(messages, specials, full.text())
                : full.generationSpans();
        return segments(full.text(), spans);
    }

    private JinjaTemplate.Output output(List<ChatMessage> messages, SpecialTokens specials, GenerationPrompt gp) {
        Map<String, Object> vars = new LinkedHashMap<>(extraTokens);
        specials.bosToken().ifPresent(t -> vars.put("bos_token", t));
        specials.eosToken().ifPresent(t -> vars.put("eos_token", t));
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role().wireName());
            map.put("content", m.content());
            list.add(map);
        }
        vars.put("messages", list);
        vars.put("add_generation_prompt", gp == GenerationPrompt.ADD);
        return template.render(vars);
    }

    /** open-instruct's rule: each assistant turn from the generation prompt before it to the end of its render. */
    private List<int[]> prefixSpans(List<ChatMessage> messages, SpecialTokens specials, String full) {
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).role() != Role.ASSISTANT) {
                continue;
            }
            String before = i == 0 ? "" : renderText(messages.subList(0, i), specials, GenerationPrompt.ADD);
            String through = renderText(messages.subList(0, i + 1), specials, GenerationPrompt.OMIT);
            if (!full.startsWith(before) || !full.startsWith(through) || through.length() < before.length()) {
                throw new IllegalArgumentException(name + ": the chat template renders earlier turns differently once "
                        + "later turns follow, so assistant turn " + i + " cannot be located by rendering prefixes; "
                        + "add {% generation %} blocks around assistant output to train on every turn");
            }
            spans.add(new int[] {before.length(), through.length()});
        }
        return spans;
    }

    private static RenderedChat segments(String text, List<int[]> spans) {
        List<Segment> out = new ArrayList<>();
        int at = 0;
        for (int[] span : spans) {
            int start = Math.max(at, span[0]);
            if (start > at) {
                out.add(new Segment(text.substring(at, start), Part.PROMPT));
            }
            if (span[1] > start) {
                out.add(new Segment(text.substring(start, span[1]), Part.COMPLETION));
            }
            at = Math.max(at, span[1]);
        }
        if (at < text.length() || out.isEmpty()) {
            out.add(new Segment(text.substring(at), Part.PROMPT));
        }
        return new RenderedChat(out);
    }
}
