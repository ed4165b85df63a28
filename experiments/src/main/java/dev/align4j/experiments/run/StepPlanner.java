package dev.align4j.experiments.run;

import dev.align4j.experiments.train.RunRandom;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Prepares update {@code step} (0-based). Planners must draw randomness only from {@code rng} so that a resumed
 * run (whose generator is restored from the checkpoint) plans exactly the same updates. A planner that carries
 * state from one update to the next (e.g. a rollout batch reused for several updates) writes it into every
 * checkpoint ({@link #save}) and reads it back when the run resumes ({@link #restore}).
 *
 * @param <B> micro-batch type
 */
@FunctionalInterface
public interface StepPlanner<B> {
  StepPlan<B> plan(long step, RunRandom rng);

  /**
   * Writes the planner's state into a checkpoint directory being assembled, after {@code stepsDone} updates; the
   * default has none.
   */
  default void save(Path checkpointDir, long stepsDone) throws IOException {}

  /** Reads back what {@link #save} wrote, before the first {@link #plan} of a resumed run; the default has none. */
  default void restore(Path checkpointDir) throws IOException {}
}
