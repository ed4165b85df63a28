package dev.align4j.app.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicOutput;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.core.UniqueIds;
import dev.align4j.experiments.api.ConfigFiles;
import dev.align4j.losses.LogProbPair;
import dev.align4j.losses.LossConfig;
import dev.align4j.losses.LossOutput;
import dev.align4j.losses.PreferenceBatch;
import dev.align4j.losses.PreferenceLoss;
import dev.align4j.losses.ReferenceBasedLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./align4j loss --config LOSS.json --input PAIRS.jsonl --output OUT.jsonl}: evaluates a preference loss on
 * given per-token log-probs (CLI.md). Input line {@code {"id", "chosen": [..], "rejected": [..], "ref_chosen": [..],
 * "ref_rejected": [..]}}; output line {@code {"id", "loss", "chosen_reward", "rejected_reward", "grad_chosen": [..],
 * "grad_rejected": [..]}}, the gradients being d(loss of that pair)/d(per-token policy log-prob) from DJL autograd.
 * Computed in float64; a one-line JSON summary (mean loss and TRL's metrics over all pairs) goes to stdout.
 */
@Command(name = "loss", mixinStandardHelpOptions = true,
    description = "Evaluate a preference loss (and its autograd gradients) on given log-probs.")
public final class LossCommand implements Callable<Integer> {
  private static final Set<String> FIELDS = Set.of("id", "chosen", "rejected", "ref_chosen", "ref_rejected");
  private static final int CHUNK = 256;

  @Option(names = "--config", required = true, paramLabel = "LOSS.json", description = "Loss config, e.g. {\"type\": \"sigmoid\", \"beta\": 0.1}.")
  Path config;

  @Option(names = "--input", required = true, paramLabel = "PAIRS.jsonl", description = "Per-token log-probs of each pair.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "OUT.jsonl", description = "Per-pair loss, rewards and gradients.")
  Path output;

  /** One input line: per-token log-probs; reference arrays are present only for reference-based losses. */
  record PairLine(JsonLine line, double[] chosen, double[] rejected, Optional<double[]> refChosen,
      Optional<double[]> refRejected) {
    JsonNode id() {
      return line.id();
    }
  }

  @Override
  public Integer call() {
    Options.output("--output", output);
    PreferenceLoss loss = readConfig(config).create();
    boolean needsReference = loss instanceof ReferenceBasedLoss;
    List<PairLine> pairs = new ArrayList<>();
    UniqueIds ids = new UniqueIds();
    for (JsonLine line : Jsonl.read(input)) {
      pairs.add(parse(line.onlyFields(FIELDS), needsReference));
      ids.add(line);
    }
    Map<String, Double> summary = new LinkedHashMap<>();
    summary.put("pairs", (double) pairs.size());
    try (AtomicOutput out = AtomicOutput.create(output)) {
      for (int from = 0; from < pairs.size(); from += CHUNK) {
        List<PairLine> chunk = pairs.subList(from, Math.min(pairs.size(), from + CHUNK));
        evaluate(loss, chunk, out, summary, (double) chunk.size() / pairs.size());
      }
      out.commit();
    }
    try {
      System.out.println(Jsonl.MAPPER.writeValueAsString(summary));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return Main.EXIT_OK;
  }

  /** Loss, rewards and per-token gradients of one chunk, in its own native-memory scope. */
  private static void evaluate(PreferenceLoss loss, List<PairLine> chunk, AtomicOutput out,
      Map<String, Double> summary, double weight) {
    try (NDManager m = NDManager.newBaseManager()) {
      Padded chosen = Padded.of(m, chunk.stream().map(PairLine::chosen).toList());
      Padded rejected = Padded.of(m, chunk.stream().map(PairLine::rejected).toList());
      chosen.values().setRequiresGradient(true);
      rejected.values().setRequiresGradient(true);
      LossOutput result;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        LogProbPair policy = LogProbPair.fromTokens(chosen.values(), chosen.mask(), rejected.values(), rejected.mask());
        PreferenceBatch batch = loss instanceof ReferenceBasedLoss
            ? PreferenceBatch.of(policy, LogProbPair.fromTokens(
                Padded.of(m, chunk.stream().map(p -> p.refChosen().orElseThrow()).toList()).values(), chosen.mask(),
                Padded.of(m, chunk.stream().map(p -> p.refRejected().orElseThrow()).toList()).values(), rejected.mask()))
            : PreferenceBatch.referenceFree(policy);
        result = loss.compute(batch);
        // pairs do not interact, so d(Σ loss)/d(tokens of pair i) = d(loss_i)/d(tokens of pair i)
        gc.backward(result.losses().sum());
      }
      double[] losses = result.losses().toDoubleArray();
      double[] rc = result.chosenRewards().toDoubleArray();
      double[] rr = result.rejectedRewards().toDoubleArray();
      double[][] gc = rows(chosen.values().getGradient(), chunk.stream().mapToInt(p -> p.chosen().length).toArray());
      double[][] gr = rows(rejected.values().getGradient(), chunk.stream().mapToInt(p -> p.rejected().length).toArray());
      for (int i = 0; i < chunk.size(); i++) {
        JsonLine in = chunk.get(i).line();
        finite(in, "loss", losses[i]);
        finite(in, "chosen_reward", rc[i]);
        finite(in, "rejected_reward", rr[i]);
        finite(in, "grad_chosen", gc[i]);
        finite(in, "grad_rejected", gr[i]);
        ObjectNode line = Jsonl.MAPPER.createObjectNode();
        line.set("id", chunk.get(i).id());
        line.put("loss", losses[i]);
        line.put("chosen_reward", rc[i]);
        line.put("rejected_reward", rr[i]);
        line.set("grad_chosen", Jsonl.MAPPER.valueToTree(gc[i]));
        line.set("grad_rejected", Jsonl.MAPPER.valueToTree(gr[i]));
        out.writeJsonLine(line);
      }
      summary.merge("loss", result.meanValue() * weight, Double::sum);
      result.metrics().forEach((k, v) -> summary.merge(k, v * weight, Double::sum));
    }
  }

  /**
   * An output value that is not finite (log-probs whose sums overflow float64, e.g. 1e308 twice) is refused as bad
   * input naming the input line and the output field, rather than written as the string "Infinity" or "NaN".
   */
  private static void finite(JsonLine in, String field, double... values) {
    for (int j = 0; j < values.length; j++) {
      if (!Double.isFinite(values[j])) {
        throw in.error(values.length == 1 && !field.startsWith("grad") ? field : field + "[" + j + "]",
            "evaluates to " + values[j] + " for this line's log-probs, which is not a number JSON can hold; per-token "
            + "log-probs are <= 0 and their sums must stay within float64 range (nothing was written)");
      }
    }
  }

  /** Right-padded [B, T] float64 values with a 0/1 mask. */
  private record Padded(NDArray values, NDArray mask) {
    static Padded of(NDManager m, List<double[]> rows) {
      int width = rows.stream().mapToInt(r -> r.length).max().orElse(1);
      double[] v = new double[rows.size() * width];
      double[] k = new double[rows.size() * width];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, v, i * width, rows.get(i).length);
        java.util.Arrays.fill(k, i * width, i * width + rows.get(i).length, 1.0);
      }
      Shape shape = new Shape(rows.size(), width);
      return new Padded(m.create(v, shape), m.create(k, shape));
    }
  }

  private static double[][] rows(NDArray grad, int[] lengths) {
    double[] flat = grad.toType(DataType.FLOAT64, false).toDoubleArray();
    int width = (int) grad.getShape().get(1);
    double[][] out = new double[lengths.length][];
    for (int i = 0; i < lengths.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * width, i * width + lengths[i]);
    }
    return out;
  }

  private static PairLine parse(JsonLine line, boolean needsReference) {
    line.id();
    double[] chosen = tokens(line, "chosen");
    double[] rejected = tokens(line, "rejected");
    if (!needsReference) {
      return new PairLine(line, chosen, rejected, Optional.empty(), Optional.empty());
    }
    return new PairLine(line, chosen, rejected,
        Optional.of(reference(line, "ref_chosen", chosen.length)), Optional.of(reference(line, "ref_rejected", rejected.length)));
  }

  private static double[] tokens(JsonLine line, String field) {
    double[] v = line.doubles(field);
    if (v.length == 0) {
      throw line.error(field, "needs at least one per-token log-prob (empty completions are rejected)");
    }
    return v;
  }

  private static double[] reference(JsonLine line, String field, int expected) {
    if (!line.has(field)) {
      throw line.error(field, "missing (this loss type compares the policy with a reference model)");
    }
    double[] v = line.doubles(field);
    if (v.length != expected) {
      throw line.error(field, "has " + v.length + " per-token log-probs but the policy side has " + expected);
    }
    return v;
  }

  /** Parses LOSS.json with the config reader's checks: every error is file:line: field 'F': message. */
  static LossConfig readConfig(Path file) {
    return ConfigFiles.readValue(file, LossConfig.class, LossConfig.MAPPER);
  }
}
