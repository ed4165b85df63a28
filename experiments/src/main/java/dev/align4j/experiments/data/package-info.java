/**
 * Training data: preference JSONL ({@code {"prompt","chosen","rejected"}} as text or as message lists, the
 * UltraFeedback/Tulu layout), SFT JSONL ({@code {"messages": [...]}} or {@code {"prompt","completion"}}) and RL
 * prompts ({@code {"id","prompt"}} plus the reference fields of the run's reward),
 * read with errors naming file, line and field; and their tokenization with a chat template and max-length
 * truncation, with counts of what was truncated or dropped.
 */
package dev.align4j.experiments.data;
