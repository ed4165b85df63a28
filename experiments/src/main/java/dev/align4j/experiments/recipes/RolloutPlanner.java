package dev.align4j.experiments.recipes;

import dev.align4j.policies.lora.ReferenceModel;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.experiments.run.StepPlan;
import dev.align4j.experiments.run.StepPlanner;
import dev.align4j.experiments.train.RunRandom;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.rollouts.DynamicSampling;
import dev.align4j.rollouts.GenerationBatch;
import dev.align4j.rollouts.GenerationStats;
import dev.align4j.rollouts.PolicyGradientBatch;
import dev.align4j.rollouts.Prompt;
import dev.align4j.rollouts.RolloutStep;
import dev.align4j.rollouts.SampledGroup;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans the updates of an RL run in generation cycles (TRL's {@code num_iterations} × {@code steps_per_generation},
 * verl's {@code ppo_epochs} × mini-batches). At the first update of a cycle it generates a batch of
 * {@code mini_batches × gradient_accumulation_steps × per_device_batch_size} groups: prompts drawn without
 * replacement with the run's generator, sampled {@code per_device_batch_size} prompts per generator call (each call's
 * seed also drawn from it), graded, with DAPO dynamic
 * sampling running further rounds until the batch is full when it is on; then the batch is scored once (old
 * log-probs when it is reused, reference log-probs for a KL term — under LoRA from the policy's base with the adapters
 * off) and split into micro-batches of
 * {@code per_device_batch_size} whole groups. The cycle's {@code num_iterations × mini_batches} updates then walk
 * the mini-batches (each {@code gradient_accumulation_steps} micro-batches) {@code num_iterations} times, the
 * importance ratio moving away from 1 after the first update so that clipping acts.
 *
 * <p>Generation metrics (TRL names, see {@link GenerationStats}) are logged on the update that generated. The
 * stored batch is part of every checkpoint taken inside a cycle, so a resumed run continues the cycle with the very
 * same batch; the number of prompts drawn so far (the {@code epoch}) is part of every checkpoint.
 *
 * @param <R> the prompts' reference type
 */
public final class RolloutPlanner<R> implements StepPlanner<PolicyGradientBatch>, AutoCloseable {
  private static final String STATE_FILE = "rollout_state.json";
  private static final String BATCH_FILE = "rollout_batch.bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LlamaModel policy;
  private final Optional<ReferenceModel> reference;
  private final RolloutStep<R> rollouts;
  private final List<Prompt<R>> prompts;
  private final Shape shape;
  private final PolicyLossConfig loss;
  private NDManager current;
  private List<PolicyGradientBatch> batch = List.of();
  private long promptsDrawn;

  /**
   * How generations feed updates.
   *
   * @param groupsPerMicroBatch prompts (groups) per micro-batch, {@code per_device_batch_size}
   * @param accumulation micro-batches per update, {@code gradient_accumulation_steps}
   * @param miniBatches updates one generation feeds per iteration
   * @param iterations passes over a generation, μ
   * @param maxRounds generation rounds a batch may take (1 = no dynamic sampling)
   */
  public record Shape(int groupsPerMicroBatch, int accumulation, int miniBatches, int iterations, int maxRounds) {
    public Shape {
      if (groupsPerMicroBatch < 1 || accumulation < 1 || miniBatches < 1 || iterations < 1 || maxRounds < 1) {
        throw new IllegalArgumentException("every count must be >= 1: " + this);
      }
    }

    /** Groups one generation needs. */
    public int groups() {
      return groupsPerMicroBatch * accumulation * miniBatches;
    }

    /** Updates one generation feeds. */
    public int cycle() {
      return miniBatches * iterations;
    }
  }

  public RolloutPlanner(LlamaModel policy, Optional<ReferenceModel> reference, RolloutStep<R> rollouts,
      List<Prompt<R>> prompts, Shape shape, PolicyLossConfig loss) {
    if (prompts.size() < shape.groups()) {
      throw new IllegalArgumentException("train_file has " + prompts.size() + " prompts but one generation needs "
          + shape.groups() + " (mini_batches × gradient_accumulation_steps × per_device_batch_size)");
    }
    this.policy = policy;
    this.reference = reference;
    this.rollouts = rollouts;
    this.prompts = List.copyOf(prompts);
    this.shape = shape;
    this.loss = loss;
    this.current = policy.manager().newSubManager();
  }

  @Override
  public StepPlan<PolicyGradientBatch> plan(long step, RunRandom rng) {
    int position = (int) (step % shape.cycle());
    Map<String, Double> metrics = Map.of();
    if (position == 0) {
      metrics = generate(rng);
    } else if (batch.isEmpty()) {
      throw new IllegalStateException("update " + (step + 1) + " reuses a generation that is not held (a resumed"
          + " run whose checkpoint lacks " + BATCH_FILE + ")");
    }
    int mini = position % shape.miniBatches();
    List<PolicyGradientBatch> micro = batch.subList(mini * shape.accumulation(),
        Math.min(batch.size(), (mini + 1) * shape.accumulation()));
    return new StepPlan<>(micro, (double) promptsDrawn / prompts.size(), metrics);
  }

  /** Samples (in rounds, with dynamic sampling) and scores the next generation; returns its metrics. */
  private Map<String, Double> generate(RunRandom rng) {
    current.close();
    current = policy.manager().newSubManager();
    int[] order = rng.permutation(prompts.size());
    int[] cursor = {0};
    DynamicSampling.Filled<SampledGroup<R>> filled = DynamicSampling.fill(shape.groups(), shape.maxRounds(), () -> {
      List<Prompt<R>> round = new ArrayList<>(shape.groups());
      for (int i = 0; i < shape.groups(); i++) {
        if (cursor[0] == order.length) { // every prompt drawn in this generation's rounds: a new pass
          System.arraycopy(rng.permutation(prompts.size()), 0, order, 0, order.length);
          cursor[0] = 0;
        }
        round.add(prompts.get(order[cursor[0]++]));
      }
      promptsDrawn += round.size();
      // one generator call per micro-batch of prompts (memory grows with the sequences of a call), each seeded
      List<SampledGroup<R>> groups = new ArrayList<>(round.size());
      for (int from = 0; from < round.size(); from += shape.groupsPerMicroBatch()) {
        List<Prompt<R>> chunk = round.subList(from, Math.min(round.size(), from + shape.groupsPerMicroBatch()));
        groups.addAll(rollouts.sample(policy, chunk, rng.nextLong()));
      }
      return groups;
    }, rollouts.config().groupFilter()::keeps);
    GenerationBatch generated = rollouts.build(policy, reference, filled.batch(), shape.groupsPerMicroBatch(),
        shape.cycle() > 1, loss, current);
    batch = generated.microBatches();
    Map<String, Double> metrics = new java.util.LinkedHashMap<>(
        GenerationStats.of(filled.sampled(), filled.rounds()).named());
    metrics.putAll(generated.metrics());
    return metrics;
  }

  @Override
  public void save(Path checkpointDir, long stepsDone) throws IOException {
    ObjectNode state = JSON.createObjectNode().put("prompts_drawn", promptsDrawn);
    boolean midCycle = stepsDone % shape.cycle() != 0 && !batch.isEmpty();
    state.put("holds_batch", midCycle);
    Files.writeString(checkpointDir.resolve(STATE_FILE), JSON.writeValueAsString(state));
    if (midCycle) {
      try (OutputStream raw = Files.newOutputStream(checkpointDir.resolve(BATCH_FILE));
          DataOutputStream out = new DataOutputStream(raw)) {
        out.writeInt(batch.size());
        for (PolicyGradientBatch micro : batch) {
          byte[] bytes = micro.encode();
          out.writeInt(bytes.length);
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void restore(Path checkpointDir) throws IOException {
    Path stateFile = checkpointDir.resolve(STATE_FILE);
    if (!Files.isRegularFile(stateFile)) {
      throw new IOException("the checkpoint has no " + STATE_FILE + " (written by an older align4j?)");
    }
    var state = JSON.readTree(stateFile.toFile());
    promptsDrawn = state.get("prompts_drawn").asLong();
    batch = List.of();
    if (state.get("holds_batch").asBoolean()) {
      current.close();
      current = policy.manager().newSubManager();
      List<PolicyGradientBatch> restored = new ArrayList<>();
      try (InputStream raw = Files.newInputStream(checkpointDir.resolve(BATCH_FILE));
          DataInputStream in = new DataInputStream(raw)) {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          restored.add(PolicyGradientBatch.decode(in.readNBytes(in.readInt()), current));
        }
      }
      batch = List.copyOf(restored);
    }
  }

  @Override
  public void close() {
    current.close();
  }
}
