package dev.align4j.rewards.tribuo;

import dev.align4j.rewards.model.BradleyTerryModel;
import dev.align4j.rewards.model.PreferencePair;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Fits a {@link BradleyTerryModel} as logistic regression on feature differences with Tribuo's
 * {@link LinearSGDTrainer} (log loss, AdaGrad). Each pair gives two examples so that the data are symmetric:
 * <pre>
 *   x = f(chosen) - f(rejected)  -> label "preferred"     (1)
 *   x = f(rejected) - f(chosen)  -> label "not_preferred" (0)
 * </pre>
 * Tribuo's two-class softmax then models P(1 | x) = sigmoid((w_1 - w_0) . x + (b_1 - b_0)); the Bradley–Terry
 * weights are {@code w_1 - w_0} (the bias difference is 0 in expectation on mirrored data and is dropped, since
 * r(a) - r(b) must be antisymmetric).
 *
 * @param epochs passes over the data, 1 .. 10000
 * @param learningRate AdaGrad's initial learning rate, > 0
 * @param seed Tribuo's shuffling seed
 */
public record BradleyTerryTrainer(int epochs, double learningRate, long seed) {
  static final String PREFERRED = "preferred";
  static final String NOT_PREFERRED = "not_preferred";

  public BradleyTerryTrainer {
    if (epochs < 1 || epochs > 10_000) {
      throw new IllegalArgumentException("epochs must be in [1, 10000], got " + epochs);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
  }

  /** 20 epochs, learning rate 0.5, seed 42. */
  public static BradleyTerryTrainer defaults() {
    return new BradleyTerryTrainer(20, 0.5, 42L);
  }

  public BradleyTerryModel fit(List<PreferencePair> pairs) {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("pairs must not be empty");
    }
    TreeSet<String> names = new TreeSet<>();
    pairs.forEach(p -> {
      names.addAll(p.chosen().keySet());
      names.addAll(p.rejected().keySet());
    });
    String[] featureNames = names.toArray(String[]::new);
    MutableDataset<Label> data = new MutableDataset<>(
        new SimpleDataSourceProvenance("bradley-terry preference pairs", OffsetDateTime.now(), new LabelFactory()),
        new LabelFactory());
    for (PreferencePair p : pairs) {
      double[] diff = new double[featureNames.length];
      for (int k = 0; k < featureNames.length; k++) {
        diff[k] = p.chosen().getOrDefault(featureNames[k], 0.0) - p.rejected().getOrDefault(featureNames[k], 0.0);
      }
      double[] mirrored = diff.clone();
      for (int k = 0; k < mirrored.length; k++) {
        mirrored[k] = -mirrored[k];
      }
      data.add(new ArrayExample<>(new Label(PREFERRED), featureNames, diff));
      data.add(new ArrayExample<>(new Label(NOT_PREFERRED), featureNames, mirrored));
    }
    LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(learningRate), epochs, seed);
    LinearSGDModel model = (LinearSGDModel) trainer.train(data);
    DenseMatrix w = model.getWeightsCopy();
    int yes = model.getOutputIDInfo().getID(new Label(PREFERRED));
    int no = model.getOutputIDInfo().getID(new Label(NOT_PREFERRED));
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String name : featureNames) {
      int id = model.getFeatureIDMap().getID(name);
      // a feature that was always 0 never enters Tribuo's feature map and has no weight
      weights.put(name, id < 0 ? 0.0 : w.get(yes, id) - w.get(no, id));
    }
    return new BradleyTerryModel(weights);
  }
}
