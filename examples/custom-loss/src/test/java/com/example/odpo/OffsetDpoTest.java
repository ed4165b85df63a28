package com.example.odpo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.align4j.losses.*;
import org.junit.jupiter.api.Test;

class OffsetDpoTest {
  @Test
  void lossIsMinusLogSigmoidOfBetaTimesTheMarginMinusTheOffset() throws Exception {
    LossConfig config = LossConfig.fromJson("{\"type\": \"offset_dpo\", \"beta\": 0.5, \"offset\": 1.5}"); // by name
    float[] pw = {-3, -9}, pl = {-5, -2}, rw = {-4, -6}, rl = {-4, -3}; // summed log-probs of two pairs
    try (NDManager m = NDManager.newBaseManager()) {
      var ones = m.ones(new ai.djl.ndarray.types.Shape(2));
      var policy = new LogProbPair(new SequenceLogProbs(m.create(pw), ones), new SequenceLogProbs(m.create(pl), ones));
      var ref = new LogProbPair(new SequenceLogProbs(m.create(rw), ones), new SequenceLogProbs(m.create(rl), ones));
      LossOutput out = config.create().compute(PreferenceBatch.of(policy, ref));
      for (int i = 0; i < 2; i++) {
        double z = 0.5 * ((pw[i] - rw[i]) - (pl[i] - rl[i]));
        assertEquals(Math.log1p(Math.exp(-(z - 1.5))), out.losses().getFloat(i), 1e-6);
      }
    }
  }
}
