package dev.align4j.rewards.model;

import java.util.Map;

/**
 * Scores one response from named features (a verifier score, the length, a density-ratio score, ...). Higher is
 * better. Implementations: a fitted {@link BradleyTerryModel} and a fixed {@link WeightedSum}.
 */
public interface RewardModel {

  /** The scalar reward; features the model does not know are ignored, missing ones count as 0. */
  double score(Map<String, Double> features);
}
