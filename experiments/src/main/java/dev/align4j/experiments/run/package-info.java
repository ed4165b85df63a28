/**
 * Run directories: the resolved {@code config.json}, {@code provenance.json}, {@code metrics.jsonl}, PNG plots
 * and atomically written checkpoints (HF model layout plus optimizer, RNG and data-position state, with a SHA-256
 * manifest), the {@link dev.align4j.experiments.run.RunLock} a run holds on its directory, and the
 * {@link dev.align4j.experiments.run.Trainer} loop that fills them and resumes from them.
 *
 * <pre>
 * RUN_DIR/
 *   .lock                  the OS file lock of the run or resume working here, with its holder
 *   config.json            the resolved config (defaults filled in), with its "experiment" name
 *   provenance.json        config/data hashes, seed, versions, git commit, machine, start/end, overrides, resumes
 *   metrics.jsonl          one line per optimizer update: step, epoch, lr, loss, grad_norm, TRL metric names
 *   plots/*.png            the main curves
 *   checkpoints/step-N/    config.json + model.safetensors (HF layout), optimizer.bin, trainer_state.json
 *                          (with the count and SHA-256 of the metrics lines so far), manifest.json (written last)
 *   final/                 the trained model (HF layout)
 * </pre>
 */
package dev.align4j.experiments.run;
