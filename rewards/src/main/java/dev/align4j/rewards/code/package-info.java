/**
 * Code rewards: Python solutions checked against assert-style and stdin/stdout tests ({@link
 * dev.align4j.rewards.code.CodeTest}) by {@link dev.align4j.rewards.code.CodeVerifier}. Expected values never enter
 * the sandbox: {@link dev.align4j.rewards.code.AssertPlan} sends only the calls of an assert in and compares their
 * returned values outside with CPython's semantics ({@link dev.align4j.rewards.code.PyValue}); program output is
 * compared outside too. {@link dev.align4j.rewards.code.Sandbox} runs the code under the strongest {@link
 * dev.align4j.rewards.code.Isolation} available (bubblewrap, namespaces, a user namespace, or process-only), with a
 * per-run cgroup, a seccomp filter, no capabilities and no_new_privs. docs/SANDBOX.md has the threat model.
 */
package dev.align4j.rewards.code;
