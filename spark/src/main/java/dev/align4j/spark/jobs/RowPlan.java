package dev.align4j.spark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.app.cli.CheckTarget;
import dev.align4j.app.cli.Checker;
import dev.align4j.core.JsonLine;
import dev.align4j.core.Jsonl;
import dev.align4j.rewards.Verdict;
import dev.align4j.rollouts.Selection;
import java.io.Serializable;
import java.util.List;

/**
 * How a checking job turns one input row into responses to check and the checked verdicts into one output row.
 * Shipped to executors, so plans are small serializable records.
 */
public sealed interface RowPlan extends Serializable {

  /** Validates {@code line} (throwing {@code BadInputException} naming the field) and returns its work. */
  Row prepare(JsonLine line);

  /**
   * One row's work.
   *
   * @param id the {@code id} copied to the output
   * @param target what the responses are checked against
   * @param responses the responses, each one check
   * @param plan the plan that renders the verdicts
   */
  record Row(JsonNode id, CheckTarget target, List<String> responses, RowPlan plan) {
    /** The output row for this row's verdicts (one per response, in order). */
    public ObjectNode render(List<Verdict> verdicts) {
      return plan.render(this, verdicts);
    }
  }

  /** The output row for {@code row}'s verdicts. */
  ObjectNode render(Row row, List<Verdict> verdicts);

  /**
   * {@code verify}: input {@code {"id", "response", <checker fields>}}, output {@code {"id", "reward", "status",
   * "detail"}}, exactly as the single-machine command writes them.
   */
  record Verify(Checker checker, long timeoutMs) implements RowPlan {
    @Override
    public Row prepare(JsonLine line) {
      line.onlyFields(checker.lineFields("response"));
      JsonNode id = line.id();
      String response = line.string("response");
      return new Row(id, checker.target(line, timeoutMs), List.of(response), this);
    }

    @Override
    public ObjectNode render(Row row, List<Verdict> verdicts) {
      Verdict v = verdicts.get(0);
      ObjectNode node = Jsonl.MAPPER.createObjectNode();
      node.set("id", row.id());
      node.put("reward", v.reward());
      node.put("status", v.status().wireName());
      node.put("detail", v.detail());
      return node;
    }
  }

  /**
   * {@code bon-score}: input {@code {"id", "candidates": [text, ...], <checker fields>}}, output {@code {"id",
   * "best", "reward", "status", "detail", "rewards", "response"}}: the candidate with the highest reward, ties to
   * the first ({@link Selection#argmax}, as rollouts' {@code BestOfN} selects).
   */
  record BestOfN(Checker checker, long timeoutMs) implements RowPlan {
    @Override
    public Row prepare(JsonLine line) {
      line.onlyFields(checker.lineFields("candidates"));
      JsonNode id = line.id();
      List<String> candidates = line.strings("candidates");
      if (candidates.isEmpty()) {
        throw line.error("candidates", "must hold at least one candidate");
      }
      return new Row(id, checker.target(line, timeoutMs), candidates, this);
    }

    @Override
    public ObjectNode render(Row row, List<Verdict> verdicts) {
      double[] rewards = verdicts.stream().mapToDouble(Verdict::reward).toArray();
      int best = Selection.argmax(rewards);
      ObjectNode node = Jsonl.MAPPER.createObjectNode();
      node.set("id", row.id());
      node.put("best", best);
      node.put("reward", rewards[best]);
      node.put("status", verdicts.get(best).status().wireName());
      node.put("detail", verdicts.get(best).detail());
      var all = node.putArray("rewards");
      for (double r : rewards) {
        all.add(r);
      }
      node.put("response", row.responses().get(best));
      return node;
    }
  }
}
