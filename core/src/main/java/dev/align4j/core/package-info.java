/**
 * Shared plumbing used by every other module, so that no module imports another for a utility:
 * {@link dev.align4j.core.BadInputException} and {@link dev.align4j.core.InvalidConfigException} (the project's own
 * bad-input errors, the only ones the CLI maps to exit code 2), {@link dev.align4j.core.StrictJson} (the one strict
 * mapper: unknown fields, duplicate keys and type coercions rejected), {@link dev.align4j.core.Jsonl} (JSONL input
 * with file:line:field errors), {@link dev.align4j.core.AtomicFiles} / {@link dev.align4j.core.AtomicOutput}
 * (temp sibling + rename), {@link dev.align4j.core.Registry} (plug-ins registered by name through
 * {@link java.util.ServiceLoader}) and {@link dev.align4j.core.Scalars} (array-by-number arithmetic that is safe
 * under DJL autograd).
 */
package dev.align4j.core;
