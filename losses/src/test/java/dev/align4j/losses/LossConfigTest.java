package dev.align4j.losses;

import dev.align4j.core.InvalidConfigException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LossConfigTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"type\":\"sigmoid\",\"beta\":0.1}|SigmoidLoss",
    "{\"type\":\"dpo_norm\",\"beta\":5,\"label_smoothing\":0.1}|DpoNormLoss",
    "{\"type\":\"ipo\",\"beta\":0.1}|IpoLoss",
    "{\"type\":\"hinge\",\"beta\":0.1}|HingeLoss",
    "{\"type\":\"robust\",\"beta\":0.1,\"label_smoothing\":0.2}|RobustLoss",
    "{\"type\":\"exo_pair\",\"beta\":0.1}|ExoPairLoss",
    "{\"type\":\"nca_pair\",\"beta\":0.1}|NcaPairLoss",
    "{\"type\":\"sppo_hard\",\"beta\":0.1}|SppoHardLoss",
    "{\"type\":\"apo_zero\",\"beta\":0.1}|ApoZeroLoss",
    "{\"type\":\"apo_down\",\"beta\":0.1}|ApoDownLoss",
    "{\"type\":\"discopop\",\"beta\":0.05,\"discopop_tau\":0.1}|DiscoPopLoss",
    "{\"type\":\"simpo\",\"beta\":2,\"gamma\":1,\"sft_weight\":0.5}|SimPoLoss"
  })
  void everyTypeParsesCreatesItsLossAndRoundTrips(String json, String lossClass) throws Exception {
    LossConfig config = LossConfig.fromJson(json);
    assertEquals(lossClass, config.create().getClass().getSimpleName());
    assertEquals(config, config.create().config());
    String written = new ObjectMapper().writeValueAsString(config);
    assertEquals(config, LossConfig.fromJson(written), written);
  }

  @Test
  void absentOptionalFieldsTakeTrlDefaults() throws Exception {
    assertEquals(new SigmoidConfig(0.1, 0), LossConfig.fromJson("{\"type\":\"sigmoid\",\"beta\":0.1}"));
    assertEquals(1e-3, ((ExoPairConfig) LossConfig.fromJson("{\"type\":\"exo_pair\",\"beta\":0.1}")).labelSmoothing());
    assertEquals(0.05, ((DiscoPopConfig) LossConfig.fromJson("{\"type\":\"discopop\",\"beta\":0.1}")).discopopTau());
    assertEquals(new SimPoConfig(2, 0.5, 0, 0), LossConfig.fromJson("{\"type\":\"simpo\",\"beta\":2}"));
  }

  @Test
  void writesTheJsonFieldNames() throws Exception {
    String json = new ObjectMapper().writeValueAsString(new SimPoConfig(2, 1, 0.1, 0.5));
    for (String field : List.of("\"type\":\"simpo\"", "\"beta\"", "\"gamma\"", "\"label_smoothing\"", "\"sft_weight\"")) {
      assertTrue(json.contains(field), json);
    }
  }

  /** A config record of another module with a nested loss. */
  record Recipe(String name, LossConfig loss) {}

  @Test
  void deserializesAsANestedField() throws Exception {
    Recipe r = new ObjectMapper().readValue(
        "{\"name\":\"tulu\",\"loss\":{\"type\":\"dpo_norm\",\"beta\":5}}", Recipe.class);
    assertEquals(new DpoNormConfig(5), r.loss());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"type\":\"sigmoid\",\"beta\":0}|beta",
    "{\"type\":\"sigmoid\",\"beta\":-1}|beta",
    "{\"type\":\"sigmoid\",\"beta\":0.1,\"label_smoothing\":0.5}|label_smoothing",
    "{\"type\":\"sigmoid\",\"beta\":0.1,\"label_smoothing\":-0.1}|label_smoothing",
    "{\"type\":\"robust\",\"beta\":0.1,\"label_smoothing\":0}|label_smoothing",
    "{\"type\":\"exo_pair\",\"beta\":0.1,\"label_smoothing\":0}|label_smoothing",
    "{\"type\":\"discopop\",\"beta\":0.1,\"discopop_tau\":2}|discopop_tau",
    "{\"type\":\"simpo\",\"beta\":2,\"gamma\":-1}|gamma",
    "{\"type\":\"simpo\",\"beta\":2,\"sft_weight\":-1}|sft_weight"
  })
  void outOfRangeValuesNameTheField(String json, String field) {
    ValueInstantiationException e = assertThrows(ValueInstantiationException.class, () -> LossConfig.fromJson(json));
    InvalidConfigException cause = assertInstanceOf(InvalidConfigException.class, e.getCause());
    assertEquals(field, cause.field());
    assertTrue(cause.getMessage().startsWith(field + " must be"), cause.getMessage());
  }

  @Test
  void robustWithoutLabelSmoothingIsAnError() {
    MismatchedInputException e = assertThrows(MismatchedInputException.class,
        () -> LossConfig.fromJson("{\"type\":\"robust\",\"beta\":0.1}"));
    assertTrue(e.getMessage().contains("label_smoothing"), e.getMessage());
  }

  @Test
  void missingBetaIsAnError() {
    MismatchedInputException e = assertThrows(MismatchedInputException.class,
        () -> LossConfig.fromJson("{\"type\":\"ipo\"}"));
    assertTrue(e.getMessage().contains("beta"), e.getMessage());
  }

  @Test
  void unknownTypeListsTheKnownOnes() {
    JsonMappingException e = assertThrows(JsonMappingException.class,
        () -> LossConfig.fromJson("{\"type\":\"kto\",\"beta\":0.1}"));
    InvalidConfigException cause = assertInstanceOf(InvalidConfigException.class, e.getCause());
    assertEquals("type", cause.field());
    assertTrue(cause.getMessage().contains("unknown loss type 'kto'"), cause.getMessage());
    for (String known : List.of("sigmoid", "dpo_norm", "ipo", "hinge", "robust", "exo_pair", "nca_pair", "sppo_hard",
        "apo_zero", "apo_down", "discopop", "simpo")) {
      assertTrue(cause.getMessage().contains(known), known + " missing from: " + cause.getMessage());
    }
  }

  @Test
  void fieldsOfOtherTypesAreUnknownFields() {
    UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class,
        () -> LossConfig.fromJson("{\"type\":\"ipo\",\"beta\":0.1,\"gamma\":1}"));
    assertEquals("gamma", e.getPropertyName());
  }

  @Test
  void directConstructionValidatesToo() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new SigmoidConfig(Double.NaN));
    assertEquals("beta", e.field());
  }
}
