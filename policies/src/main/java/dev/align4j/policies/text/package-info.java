/**
 * Text in, token ids out: a {@link dev.align4j.policies.text.Tokenizer} over DJL's Hugging Face tokenizers
 * (loaded offline from a model folder's {@code tokenizer.json}) and chat templates
 * ({@link dev.align4j.policies.text.ChatTemplate}, an open plug-in point: the built-ins {@code tulu}, {@code llama3},
 * {@code chatml}, plug-ins registered as {@link dev.align4j.policies.text.ChatTemplateType}, and the model's own
 * Jinja template, {@link dev.align4j.policies.text.JinjaChatTemplate}) that render a conversation into token ids plus
 * a loss mask that keeps only the assistant's tokens (every assistant turn for SFT, the final turn for preference
 * pairs).
 *
 * <p>The masking rule follows open-instruct's {@code sft_tulu_tokenize_and_truncate}: the whole conversation is
 * tokenized as one string (as {@code tokenizer.apply_chat_template} does), and the boundaries between prompt and
 * completion are the token counts of the rendered prefixes. Completion tokens are the assistant's content plus
 * its end-of-turn token; role headers and separators are prompt.
 */
package dev.align4j.policies.text;
