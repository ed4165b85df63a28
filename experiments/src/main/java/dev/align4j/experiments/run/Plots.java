package dev.align4j.experiments.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG line plots of metrics against {@code step} (XChart, headless). One chart per group of metrics: a group is
 * drawn only when at least one of its metrics was logged.
 */
public final class Plots {
  /** The charts drawn for every run: file name → metrics on it. */
  public static final Map<String, List<String>> GROUPS = Map.ofEntries(
      Map.entry("loss", List.of("loss")),
      Map.entry("rewards", List.of("rewards/chosen", "rewards/rejected", "rewards/margins")),
      Map.entry("accuracy", List.of("rewards/accuracies")),
      Map.entry("logps", List.of("logps/chosen", "logps/rejected")),
      Map.entry("lr", List.of("lr")),
      // RL runs, TRL's metric names (verl's num_gen_batches for dynamic sampling)
      Map.entry("rl_reward", List.of("reward", "reward_std")),
      Map.entry("rl_kl", List.of("kl", "reward_kl_penalty")),
      Map.entry("rl_entropy", List.of("entropy")),
      Map.entry("rl_clip", List.of("clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean")),
      Map.entry("rl_length", List.of("completions/mean_length", "completions/min_length",
          "completions/max_length")),
      Map.entry("rl_fractions", List.of("accuracy", "frac_reward_zero_std", "completions/clipped_ratio")),
      Map.entry("rl_rounds", List.of("num_gen_batches")));

  private Plots() {}

  /** Writes {@code dir/<group>.png} for each group with data; returns the files written. */
  public static List<Path> write(Path dir, String title, List<Map<String, Double>> rows) {
    System.setProperty("java.awt.headless", "true");
    List<Path> written = new ArrayList<>();
    for (String group : GROUPS.keySet().stream().sorted().toList()) {
      XYChart chart = new XYChartBuilder().width(800).height(500).title(title + ": " + group)
          .xAxisTitle("step").yAxisTitle(group).build();
      chart.getStyler().setMarkerSize(3);
      boolean any = false;
      for (String metric : GROUPS.get(group)) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Map<String, Double> row : rows) {
          Double y = row.get(metric);
          if (y != null && Double.isFinite(y) && row.containsKey("step")) {
            xs.add(row.get("step"));
            ys.add(y);
          }
        }
        if (!xs.isEmpty()) {
          chart.addSeries(metric, xs, ys).setMarker(SeriesMarkers.CIRCLE);
          any = true;
        }
      }
      if (any) {
        written.add(save(chart, dir.resolve(group + ".png")));
      }
    }
    return written;
  }

  private static Path save(XYChart chart, Path file) {
    try {
      Files.createDirectories(file.getParent());
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plot " + file, e);
    }
  }
}
