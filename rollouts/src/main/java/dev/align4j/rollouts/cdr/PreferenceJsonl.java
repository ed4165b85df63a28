package dev.align4j.rollouts.cdr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.AtomicFiles;
import dev.align4j.rollouts.TokenDecoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes preference pairs as the JSONL the DPO experiments read, one line per pair:
 *
 * <pre>
 *   {"id": "p0", "prompt": ..., "chosen": ..., "rejected": ..., "chosen_score": 3.1, "rejected_score": -0.4}
 * </pre>
 *
 * where prompt / chosen / rejected are strings when a decoder is given and token-id arrays otherwise. The file is
 * written to a temporary sibling and renamed into place, so readers never see half a file.
 */
public final class PreferenceJsonl {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PreferenceJsonl() {}

  /** Writes {@code pairs} to {@code target} atomically; {@code decoder} empty means token ids. */
  public static void write(Path target, List<PreferencePair> pairs, Optional<TokenDecoder> decoder) {
    AtomicFiles.write(target, out -> {
      for (PreferencePair pair : pairs) {
        out.write(JSON.writeValueAsBytes(toJson(pair, decoder)));
        out.write('\n');
      }
    });
  }

  static ObjectNode toJson(PreferencePair pair, Optional<TokenDecoder> decoder) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", pair.id());
    put(node, "prompt", pair.promptTokens(), decoder);
    put(node, "chosen", pair.chosenTokens(), decoder);
    put(node, "rejected", pair.rejectedTokens(), decoder);
    node.put("chosen_score", pair.chosenScore());
    node.put("rejected_score", pair.rejectedScore());
    return node;
  }

  private static void put(ObjectNode node, String field, int[] tokens, Optional<TokenDecoder> decoder) {
    if (decoder.isPresent()) {
      node.put(field, decoder.get().decode(tokens));
    } else {
      ArrayNode array = node.putArray(field);
      for (int t : tokens) {
        array.add(t);
      }
    }
  }
}
