package dev.align4j.app.demo;

import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.recipes.EpochPlanner;
import dev.align4j.experiments.recipes.ModelFolders;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.SftLoss;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.AdamWConfig;
import dev.align4j.experiments.train.LrSchedule;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.policies.llama.LlamaConfig;
import dev.align4j.policies.llama.LlamaModel;
import dev.align4j.policies.llama.LoadOptions;
import dev.align4j.policies.text.TokenizedChat;
import dev.align4j.policies.text.Tokenizer;
import dev.align4j.policies.text.Truncation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The demo's embedded base model: a 3-layer Llama (hidden 96, 4 heads, 2 key/value heads, MLP 256, vocabulary 56
 * characters and chat markers), pretrained by this library as a plain language model on {@code a+b=c} lines of
 * the training problems (never the held-out ones) and without any chat formatting. It ships in the resources
 * folder {@value #RESOURCE}; {@link #pretrain} rebuilds it.
 */
public final class TinyArithModel {
  /** Where the model folder lives, in the repository and on the class path. */
  public static final String RESOURCE = "dev/align4j/app/demo/tiny-arith";
  private static final String SOURCE_DIR = "models/tiny-arith";
  private static final List<String> FILES =
      List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");

  /** Epochs of pretraining over the 9,500 training problems (75 updates of 128 lines each per epoch). */
  public static final int PRETRAIN_EPOCHS = 10;

  /** Architecture of the embedded model. */
  public static final LlamaConfig CONFIG = LlamaConfig.small(56, 96, 256, 3, 4, 2);

  private TinyArithModel() {}

  /**
   * The model folder: the repository's copy under {@code align4j.home} when it is complete, else the class-path
   * copy extracted into {@code scratch}; empty when no weights are shipped.
   */
  public static Optional<Path> locate(Path scratch) throws IOException {
    String home = System.getProperty("align4j.home");
    if (home != null && Files.isRegularFile(Path.of(home, SOURCE_DIR, "model.safetensors"))) {
      return Optional.of(Path.of(home, SOURCE_DIR));
    }
    if (TinyArithModel.class.getClassLoader().getResource(RESOURCE + "/model.safetensors") == null) {
      return Optional.empty();
    }
    Files.createDirectories(scratch);
    for (String f : FILES) {
      copyResource(f, scratch.resolve(f));
    }
    return Optional.of(scratch);
  }

  /** Copies the shipped tokenizer files (always present) into {@code dir}. */
  public static void copyTokenizer(Path dir) throws IOException {
    Files.createDirectories(dir);
    copyResource("tokenizer.json", dir.resolve("tokenizer.json"));
    copyResource("tokenizer_config.json", dir.resolve("tokenizer_config.json"));
  }

  private static void copyResource(String name, Path target) throws IOException {
    try (InputStream in = TinyArithModel.class.getClassLoader().getResourceAsStream(RESOURCE + "/" + name)) {
      if (in == null) {
        throw new IOException("resource " + RESOURCE + "/" + name + " missing from the class path");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Pretrains the base model from random weights (seeded) on {@code problems.training()} as plain text
   * {@code <s>a+b=c<eos>} (every token but BOS scored) for {@code epochs} epochs, logging a run directory in
   * {@code runDir}; writes the model folder to {@code target}.
   */
  public static Path pretrain(ArithmeticProblems problems, int epochs, Path runDir, Path target,
      RunContext parent) throws Exception {
    Path staging = runDir.resolve("init");
    copyTokenizer(staging);
    try (LlamaModel init = LlamaModel.randomInit(CONFIG, 7, LoadOptions.cpu())) {
      init.save(staging);
    }
    TrainingConfig training = new TrainingConfig(3e-3, new LrSchedule.Cosine(0.02),
        AdamWConfig.DEFAULT.withWeightDecay(0.01), 1.0, 128, 1, 200, 1, 11);
    RunContext ctx = new RunContext(runDir, Optional.empty(), java.util.OptionalLong.empty(), parent.err());
    try (PolicyModel model = PolicyModel.load(staging, staging, "tulu").trainable()) {
      List<TokenizedChat> lines = new ArrayList<>();
      for (Problem p : problems.training()) {
        lines.add(plainText(model.tokenizer(), p.text()));
      }
      EpochPlanner planner = new EpochPlanner(lines.size(), 128, 128, 11);
      try (Trainer trainer = new Trainer(ctx, "pretrain", model.model().parameters(), training,
          planner.totalSteps(epochs), dir -> model.model().save(dir))) {
        trainer.train(planner, new SftLoss(model, lines));
      }
      return ModelFolders.save(model.model(), staging, target);
    }
  }

  /** {@code <s> text <eos>} with every token after BOS in the loss. */
  static TokenizedChat plainText(Tokenizer tokenizer, String text) {
    int[] body = tokenizer.encode(text);
    int[] ids = new int[body.length + 2];
    ids[0] = tokenizer.specialTokens().bosId().orElseThrow();
    System.arraycopy(body, 0, ids, 1, body.length);
    ids[ids.length - 1] = tokenizer.specialTokens().eosId().orElseThrow();
    boolean[] mask = new boolean[ids.length];
    Arrays.fill(mask, 1, ids.length, true);
    return new TokenizedChat(ids, mask, Truncation.none(ids.length));
  }
}
