package dev.align4j.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.experiments.api.ExperimentRunner;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.recipes.DpoExperiment;
import dev.align4j.experiments.recipes.GrpoExperiment;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.SftExperiment;
import dev.align4j.experiments.train.AdamWConfig;
import dev.align4j.experiments.train.LrSchedule;
import dev.align4j.experiments.train.RunRandom;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.losses.DpoNormConfig;
import dev.align4j.rewards.config.MathRewardConfig;
import dev.align4j.rollouts.advantage.GrpoAdvantage;
import dev.align4j.rollouts.loss.PolicyLossConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo, top to bottom: locate (or pretrain) the tiny base model, measure it on the held-out problems, then
 * run the shipped {@code sft}, {@code dpo} (dpo_norm, correct vs the model's own wrong answers) and {@code grpo}
 * (math verifier) experiments one after another, each in its own run directory and each starting from the
 * previous stage's {@code final/} model, measuring held-out accuracy after each. Writes {@code summary.json}.
 *
 * <p>Hyper-parameters are the recipes' shapes scaled to a 0.3M-parameter model (larger learning rates, small
 * batches); {@code stepsScale} multiplies the amount of data (and so the number of updates) of every stage.
 */
public final class DemoPipeline {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String TEMPLATE = "tulu";
  private static final int MAX_LENGTH = 32;
  private static final long SEED = 42;

  private final Path out;
  private final double stepsScale;
  private final boolean pretrain;
  private final PrintStream err;

  /** The held-out accuracy after each stage, in order (base, sft, dpo, grpo). */
  public record Summary(int heldOutProblems, Map<String, Double> accuracy, List<Path> plots) {}

  /** What to start from: the shipped base model, or one pretrained from scratch in this run. */
  public enum Base {
    SHIPPED,
    PRETRAIN
  }

  public DemoPipeline(Path out, double stepsScale, Base base, PrintStream err) {
    if (!(stepsScale > 0 && stepsScale <= 100)) {
      throw new IllegalArgumentException("--steps-scale must be in (0, 100], got " + stepsScale);
    }
    this.out = out;
    this.stepsScale = stepsScale;
    this.pretrain = base == Base.PRETRAIN;
    this.err = err;
  }

  public Summary run() throws Exception {
    ArithmeticProblems problems = ArithmeticProblems.standard();
    RunRandom rng = new RunRandom(SEED);
    Map<String, Double> accuracy = new LinkedHashMap<>();
    Path data = Files.createDirectories(out.resolve("data"));

    // 0. the base model: shipped, or pretrained here from random weights
    Path base = pretrain ? pretrainBase(problems)
        : TinyArithModel.locate(out.resolve("base-model")).orElseGet(() -> pretrainBase(problems));
    accuracy.put("base", measure("base", base, problems));

    // 1. SFT: teach the chat format on question/answer pairs
    Path sftData = DemoData.writeSft(data.resolve("sft.jsonl"), problems.sample(scaled(6144), rng));
    Path sft = stage("1-sft", new SftExperiment(), new SftExperiment.Config(base, sftData, TEMPLATE, MAX_LENGTH, 1,
        training(1e-3, 16, 2, new LrSchedule.Linear(0.03))));
    accuracy.put("sft", measure("sft", sft, problems));

    // 2. DPO (dpo_norm): the correct answer over one of the SFT model's own wrong answers
    Path dpoData;
    try (PolicyModel sftModel = PolicyModel.load(sft, sft, TEMPLATE)) {
      dpoData = DemoData.writePreferences(data.resolve("dpo.jsonl"), problems.sample(scaled(2048), rng),
          sftModel.model(), sftModel.encoder(), rng);
    }
    Path dpo = stage("2-dpo", new DpoExperiment(), new DpoExperiment.Config(sft, dpoData, TEMPLATE, MAX_LENGTH, 1,
        new DpoNormConfig(5.0), training(5e-5, 8, 4, new LrSchedule.Linear(0.1))));
    accuracy.put("dpo", measure("dpo", dpo, problems));

    // 3. GRPO with the math verifier (reward 10 when correct, as Tulu 3's RLVR), KL (beta 0.04) to the DPO model
    Path prompts = DemoData.writePrompts(data.resolve("grpo.jsonl"), problems.sample(scaled(2048), rng));
    GrpoExperiment.Rollout rollout = new GrpoExperiment.Rollout(8, HeldOutAccuracy.MAX_NEW_TOKENS, 1.0, true, 1, 1,
        false, new GrpoExperiment.OverlongBuffer(false, 1, 0.0), new GrpoExperiment.DynamicSamplingConfig(false, 1));
    Path grpo = stage("3-grpo", new GrpoExperiment(), new GrpoExperiment.Config(dpo, prompts, TEMPLATE,
        Math.max(2, (int) Math.round(300 * stepsScale)), new MathRewardConfig(10.0), rollout,
        GrpoAdvantage.standard(), PolicyLossConfig.grpo(),
        training(5e-5, 16, 1, new LrSchedule.Constant(0.0))));
    accuracy.put("grpo", measure("grpo", grpo, problems));

    return finish(problems.heldOut().size(), accuracy);
  }

  private int scaled(int n) {
    return Math.max(16, (int) Math.round(n * stepsScale));
  }

  private static TrainingConfig training(double lr, int microBatch, int accumulation, LrSchedule schedule) {
    return new TrainingConfig(lr, schedule, AdamWConfig.DEFAULT, 1.0, microBatch, accumulation, 1000, 1, SEED);
  }

  /** Runs one shipped experiment in {@code out/name} and returns its final model folder. */
  private <C extends Record> Path stage(String name, dev.align4j.experiments.api.Experiment<C> experiment,
      C config) throws Exception {
    err.println("== " + name + ": " + experiment.name());
    long start = System.nanoTime();
    Path dir = ExperimentRunner.runInDir(experiment, config, out.resolve(name), err);
    err.printf("== %s done in %.0f s%n", name, (System.nanoTime() - start) / 1e9);
    return dir.resolve("final");
  }

  private double measure(String stage, Path model, ArithmeticProblems problems) {
    try (PolicyModel m = PolicyModel.load(model, model, TEMPLATE)) {
      double acc = HeldOutAccuracy.measure(m.model(), m.encoder(), problems.heldOut());
      err.printf("== held-out accuracy after %s: %.3f%n", stage, acc);
      return acc;
    }
  }

  private Path pretrainBase(ArithmeticProblems problems) {
    err.println("== pretraining the base model from random weights first (about 1-2 minutes on 2 cores)");
    long start = System.nanoTime();
    try {
      Path model = TinyArithModel.pretrain(problems, TinyArithModel.PRETRAIN_EPOCHS, out.resolve("0-pretrain"), out.resolve("base-model"),
          RunContext.fresh(out.resolve("0-pretrain"), err));
      err.printf("== pretraining took %.0f s%n", (System.nanoTime() - start) / 1e9);
      return model;
    } catch (Exception e) {
      throw new IllegalStateException("pretraining the base model failed: " + e.getMessage(), e);
    }
  }

  private Summary finish(int heldOut, Map<String, Double> accuracy) throws Exception {
    ObjectNode summary = JSON.createObjectNode().put("held_out_problems", heldOut);
    ObjectNode acc = summary.putObject("accuracy");
    accuracy.forEach(acc::put);
    JSON.writeValue(out.resolve("summary.json").toFile(), summary);
    List<Path> plots = new ArrayList<>();
    for (String stage : List.of("1-sft", "2-dpo", "3-grpo")) {
      try (var s = Files.list(out.resolve(stage).resolve("plots"))) {
        s.sorted().forEach(plots::add);
      }
    }
    return new Summary(heldOut, accuracy, plots);
  }
}
