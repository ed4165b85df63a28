/**
 * Jinja chat templates rendered as Hugging Face {@code transformers.apply_chat_template} renders them, on Jinjava.
 *
 * <p>{@link dev.align4j.policies.text.jinja.JinjaTemplate} configures Jinjava like transformers configures Python
 * Jinja2 ({@code trim_blocks}, {@code lstrip_blocks}, loop controls, {@code raise_exception}, {@code strftime_now},
 * a {@code {% generation %}} block that records the spans it renders) and closes the gaps between Jinjava and
 * Python where chat templates depend on them: the {@code trim} filter and {@code str.strip} strip Python's
 * whitespace set, {@code tojson} is {@code json.dumps(ensure_ascii=False)}, strings answer Python's methods
 * ({@code startswith}, {@code split}, ...), {@code x[::-1]} reverses, and the type tests ({@code is iterable},
 * {@code is sequence}, ...) answer as Python's do for strings.
 */
package dev.align4j.policies.text.jinja;
