package readme;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.core.Require;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.PreferenceExample;
import dev.align4j.experiments.recipes.EpochPlanner;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.PreferenceLossStep;
import dev.align4j.experiments.recipes.ReferenceScores;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.losses.SigmoidConfig;
import java.nio.file.Path;
import java.util.Optional;

/** The README's "writing your own experiment" class, verbatim (run by {@link ReadmeExperimentExampleTest}). */
public final class MyDpo implements Experiment<MyDpo.Config> {
  public record Config(@JsonProperty("model") Path model, @JsonProperty("train_file") Path trainFile,
                       @JsonProperty("beta") double beta, @JsonProperty("training") TrainingConfig training) {
    public Config {
      Require.positive("beta", beta); // an InvalidConfigException: exit 2 naming the file, line and 'beta'
    }
  }
  public String name() { return "my_dpo"; }
  public Class<Config> configType() { return Config.class; }

  public void run(Config c, RunContext ctx) throws Exception {
    try (PolicyModel policy = PolicyModel.load(ctx.initialWeights(c.model()), c.model(), "tulu")) {
      var pairs = Encoding.preferences(PreferenceExample.readJsonl(c.trainFile()), policy.encoder(), 512);
      ctx.note(pairs.report().describe("train", 512));
      var reference = ReferenceScores.compute(policy, c.model(), pairs.examples(), 512, 8, ctx.dir().resolve("ref"));
      var planner = new EpochPlanner(pairs.examples().size(), c.training().effectiveBatchSize(),
          c.training().perDeviceBatchSize(), c.training().seed());
      policy.trainable();
      try (Trainer trainer = new Trainer(ctx, "my_dpo", policy.model().parameters(), c.training(),
          planner.totalSteps(1), dir -> policy.model().save(dir))) {
        trainer.train(planner, new PreferenceLossStep(policy, pairs.examples(), Optional.of(reference),
            new SigmoidConfig(c.beta()).create()));
      }
    }
  }
}
