package readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.align4j.experiments.api.Experiment;
import dev.align4j.experiments.api.ExperimentRunner;
import dev.align4j.experiments.api.RunContext;
import dev.align4j.experiments.data.Encoding;
import dev.align4j.experiments.data.PreferenceExample;
import dev.align4j.experiments.recipes.EpochPlanner;
import dev.align4j.experiments.recipes.PolicyModel;
import dev.align4j.experiments.recipes.PreferenceLossStep;
import dev.align4j.experiments.recipes.ReferenceScores;
import dev.align4j.experiments.run.MetricsLog;
import dev.align4j.experiments.run.Trainer;
import dev.align4j.experiments.train.AdamWConfig;
import dev.align4j.experiments.train.LrSchedule;
import dev.align4j.experiments.train.TrainingConfig;
import dev.align4j.losses.SigmoidConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "writing your own experiment" example of the README (the it module checks the README block against this
 * file), compiled from a package outside dev.align4j as a user writes it, and run on the tiny model.
 */
class ReadmeExperimentExampleTest {

  @Test
  void theReadmeExperimentRunsAndStartsAtLn2(@TempDir Path dir) throws Exception {
    TrainingConfig training = new TrainingConfig(1e-4, new LrSchedule.Constant(0.0), AdamWConfig.DEFAULT, 1.0, 8, 4,
        100, 1, 3);
    MyDpo.Config config = new MyDpo.Config(Path.of("../models/tiny-arith"),
        Path.of("../configs/data/arith-prefs.jsonl"), 0.1, training);
    Path run = ExperimentRunner.runInDir(new MyDpo(), config, dir.resolve("run"), System.err);
    var rows = MetricsLog.read(run.resolve("metrics.jsonl"));
    assertEquals(2, rows.size(), "64 pairs / effective batch 32");
    assertEquals(Math.log(2), rows.get(0).get("loss"), 1e-6);
  }
}
