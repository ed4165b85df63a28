package dev.align4j.rollouts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a generation saw, over every group it sampled (all rounds of dynamic sampling, before filtering), under
 * TRL's metric names ({@code GRPOTrainer._generate_and_score_completions}):
 *
 * <ul>
 *   <li>{@code reward}, {@code reward_std}: mean and (unbiased) standard deviation of the shaped rewards of all
 *       completions;
 *   <li>{@code frac_reward_zero_std}: the fraction of completions whose group's rewards have (unbiased) standard
 *       deviation ≈ 0 ({@code torch.isclose(std, 0)}, i.e. {@code <= 1e-8}): groups that teach nothing;
 *   <li>{@code completions/mean_length}, {@code /min_length}, {@code /max_length}: new tokens per completion;
 *       {@code completions/clipped_ratio}: the fraction that ran into the token budget without EOS;
 *   <li>{@code accuracy}: the fraction the verifier passed (not a TRL name);
 *   <li>{@code num_gen_batches}: generation rounds this batch took (verl's DAPO metric; 1 without dynamic sampling).
 * </ul>
 *
 * @param reward mean shaped reward
 * @param rewardStd unbiased standard deviation of the shaped rewards (0 for one completion)
 * @param fracRewardZeroStd fraction of completions in zero-std groups
 * @param accuracy fraction of completions that passed
 * @param meanLength mean completion length in tokens
 * @param minLength shortest completion
 * @param maxLength longest completion
 * @param clippedRatio fraction of truncated completions
 * @param rounds generation rounds
 * @param groups groups sampled
 */
public record GenerationStats(
    double reward,
    double rewardStd,
    double fracRewardZeroStd,
    double accuracy,
    double meanLength,
    double minLength,
    double maxLength,
    double clippedRatio,
    int rounds,
    int groups) {

  /** Statistics of {@code sampled} (every group of every round) gathered in {@code rounds} rounds. */
  public static GenerationStats of(List<? extends SampledGroup<?>> sampled, int rounds) {
    if (sampled.isEmpty()) {
      throw new IllegalArgumentException("no groups were sampled");
    }
    double sum = 0;
    double passed = 0;
    double truncated = 0;
    double lengthSum = 0;
    double zeroStd = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    int n = 0;
    for (SampledGroup<?> g : sampled) {
      double[] r = g.rewards();
      boolean flat = std(r) <= 1e-8;
      for (Sample s : g.samples()) {
        sum += s.reward();
        passed += s.passed() ? 1 : 0;
        truncated += s.truncated() ? 1 : 0;
        lengthSum += s.length();
        min = Math.min(min, s.length());
        max = Math.max(max, s.length());
        zeroStd += flat ? 1 : 0;
        n++;
      }
    }
    double[] all = sampled.stream().flatMapToDouble(g -> java.util.Arrays.stream(g.rewards())).toArray();
    return new GenerationStats(sum / n, std(all), zeroStd / n, passed / n, lengthSum / n, min, max,
        truncated / n, rounds, sampled.size());
  }

  /** Unbiased standard deviation, 0 for fewer than two values (TRL's {@code nanstd} with Bessel's correction). */
  static double std(double[] values) {
    if (values.length < 2) {
      return 0;
    }
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    double sq = 0;
    for (double v : values) {
      sq += (v - mean) * (v - mean);
    }
    return Math.sqrt(sq / (values.length - 1));
  }

  /** The metrics under their TRL (and verl) names, in a fixed order. */
  public Map<String, Double> named() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("reward", reward);
    m.put("reward_std", rewardStd);
    m.put("frac_reward_zero_std", fracRewardZeroStd);
    m.put("accuracy", accuracy);
    m.put("completions/mean_length", meanLength);
    m.put("completions/min_length", minLength);
    m.put("completions/max_length", maxLength);
    m.put("completions/clipped_ratio", clippedRatio);
    m.put("num_gen_batches", (double) rounds);
    return m;
  }
}
