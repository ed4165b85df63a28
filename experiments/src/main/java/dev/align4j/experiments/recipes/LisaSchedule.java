package dev.align4j.experiments.recipes;

import ai.djl.ndarray.NDArray;
import dev.align4j.experiments.run.UpdateHook;
import dev.align4j.experiments.train.AdamW;
import dev.align4j.policies.llama.LlamaModel;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which decoder layers train at each update under LISA (Pan et al., arXiv:2403.17919, Algorithm 1): the embeddings,
 * the final norm and the LM head always train; the L decoder layers are frozen except γ of them, drawn uniformly
 * without replacement and kept for K updates:
 *
 * <pre>
 *   interval i = ⌊step / K⌋ (step = updates already done)
 *   S_i = the first γ entries of a Fisher–Yates shuffle of 0 … L−1 drawn from
 *         new SplittableRandom(seed + (i + 1) · 0x4C495341), sorted
 * </pre>
 *
 * S_i is a pure function of the run seed and the update's number, so a resumed run trains the same layers at the
 * same updates with no state beyond the step it resumes at.
 *
 * <p>Optimizer state: at the first update of every interval, AdamW's state (m, v, t) of every decoder-layer weight
 * is dropped, as LMFlow's {@code LISATrainer} does by creating a fresh optimizer for the new layers and carrying
 * over only the state of the weights outside the decoder layers. So AdamW holds state only for the embeddings, norm,
 * head and the γ active layers, and a layer drawn again starts from m = v = 0, t = 0 (a layer that stays active
 * across a draw starts over too). Frozen weights get no gradient and no update at all (not even weight decay).
 *
 * <p>Limitation: DJL cannot release a weight's gradient buffer once allocated (torch's {@code grad = None}); a layer
 * that trained once keeps a zeroed gradient of its size after it is frozen. Optimizer state, the larger part
 * (2 × the weights), is released.
 */
public final class LisaSchedule implements UpdateHook {
  private static final Pattern LAYER_WEIGHT = Pattern.compile("model\\.layers\\.(\\d+)\\..*");
  private static final long STREAM = 0x4C495341L; // "LISA"

  private final Map<String, NDArray> weights;
  private final int layers;
  private final LisaSettings settings;
  private final long seed;

  /** The schedule of {@code model}'s layers, drawn from the run's {@code seed}. */
  public LisaSchedule(LlamaModel model, LisaSettings settings, long seed) {
    this.layers = model.config().numHiddenLayers();
    if (settings.activeLayers() > layers) {
      throw new dev.align4j.core.InvalidConfigException("lisa.active_layers", "must be <= the model's "
          + "num_hidden_layers " + layers + ", got " + settings.activeLayers());
    }
    this.weights = model.parameters();
    this.settings = settings;
    this.seed = seed;
  }

  /** The settings this schedule follows. */
  public LisaSettings settings() {
    return settings;
  }

  /** The decoder layers that train at update {@code step} (0-based), ascending. */
  public int[] activeLayers(long step) {
    long interval = step / settings.interval();
    SplittableRandom rng = new SplittableRandom(seed + (interval + 1) * STREAM);
    int[] order = new int[layers];
    for (int i = 0; i < layers; i++) {
      order[i] = i;
    }
    for (int i = 0; i < settings.activeLayers(); i++) {
      int j = i + rng.nextInt(layers - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] chosen = Arrays.copyOf(order, settings.activeLayers());
    Arrays.sort(chosen);
    return chosen;
  }

  /** The decoder layer a weight belongs to, or −1 for the embeddings, final norm and head. */
  public static int layerOf(String weightName) {
    Matcher m = LAYER_WEIGHT.matcher(weightName);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Every weight outside the decoder layers trains; the layers wait for {@link #beforeUpdate}. */
  void enableGradients() {
    weights.forEach((name, w) -> w.setRequiresGradient(layerOf(name) < 0));
  }

  /** Freezes all layers but {@link #activeLayers}; at an interval's first update, drops their optimizer state. */
  @Override
  public void beforeUpdate(long step, AdamW optimizer) {
    if (step % settings.interval() == 0) {
      optimizer.forget(name -> layerOf(name) >= 0);
    }
    boolean[] active = new boolean[layers];
    for (int l : activeLayers(step)) {
      active[l] = true;
    }
    weights.forEach((name, w) -> {
      int layer = layerOf(name);
      if (layer >= 0 && w.hasGradient() != active[layer]) {
        w.setRequiresGradient(active[layer]);
      }
    });
  }
}
