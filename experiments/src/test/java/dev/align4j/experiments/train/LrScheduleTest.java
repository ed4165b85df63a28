package dev.align4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void linearWarmsUpThenDecaysToZeroLikeHf() {
    // HF get_linear_schedule_with_warmup, N = 10, warmup_ratio 0.1 -> W = ceil(1.0) = 1:
    // lambda(0) = 0/1, lambda(s >= 1) = (10 - s) / 9
    LrSchedule s = new LrSchedule.Linear(0.1);
    assertEquals(1, s.warmupSteps(10));
    assertEquals(0.0, s.multiplier(0, 10), 1e-12);
    assertEquals(1.0, s.multiplier(1, 10), 1e-12);
    assertEquals(5.0 / 9, s.multiplier(5, 10), 1e-12);
    assertEquals(1.0 / 9, s.multiplier(9, 10), 1e-12);
  }

  @Test
  void warmupStepsRoundUpAsHf() {
    // Tulu DPO: warmup_ratio 0.1; 844 updates -> ceil(84.4) = 85 warmup steps
    assertEquals(85, new LrSchedule.Linear(0.1).warmupSteps(844));
    // mid-warmup: 42 / 85 (0.4941…; 42 / 84 = 0.5 would mean the warmup length was floored)
    assertEquals(42.0 / 85, new LrSchedule.Linear(0.1).multiplier(42, 844), 1e-12);
  }

  @Test
  void cosineIsHalfAtMidpointAndConstantStaysOne() {
    LrSchedule cos = new LrSchedule.Cosine(0.0);
    assertEquals(1.0, cos.multiplier(0, 100), 1e-12);
    assertEquals(0.5, cos.multiplier(50, 100), 1e-12);
    // HF: ½ (1 + cos(π · 99/100)) = 2.467198e-4 (python3 math)
    assertEquals(2.467198171342e-4, cos.multiplier(99, 100), 1e-15);
    LrSchedule constant = new LrSchedule.Constant(0.5);
    assertEquals(0.25, constant.multiplier(1, 8), 1e-12);
    assertEquals(1.0, constant.multiplier(7, 8), 1e-12);
  }

  @Test
  void readsTypedJsonAndRejectsBadRatio() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    LrSchedule s = mapper.readValue("{\"type\":\"cosine\",\"warmup_ratio\":0.03}", LrSchedule.class);
    assertEquals(new LrSchedule.Cosine(0.03), s);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LrSchedule.Linear(1.5));
    assertTrue(e.getMessage().contains("warmup_ratio"));
    // an open plug-in point: the built-ins are registered by name like any plug-in, unknown names name the field
    assertEquals(java.util.List.of("constant", "cosine", "linear"), LrScheduleType.REGISTRY.names());
    assertEquals(s, mapper.readValue(mapper.writeValueAsString(s), LrSchedule.class));
    Exception unknown = assertThrows(Exception.class,
        () -> mapper.readValue("{\"type\":\"wsd\",\"warmup_ratio\":0.1}", LrSchedule.class));
    assertTrue(unknown.getCause() instanceof dev.align4j.core.InvalidConfigException i && i.field().equals("type"),
        String.valueOf(unknown));
  }
}
