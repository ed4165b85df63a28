package dev.align4j.policies.text.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/**
 * {@code {% generation %}...{% endgeneration %}}: the block transformers' {@code AssistantTracker} adds for
 * {@code return_assistant_tokens_mask} (and TRL's {@code assistant_only_loss}). The body renders in its own scope (a
 * Python {@code CallBlock} body is a macro) and is wrapped in two noncharacters that {@link JinjaTemplate} removes
 * after rendering, noting where each body landed in the output.
 */
final class GenerationTag implements Tag {
  private static final long serialVersionUID = 1L;

  static final char START = '\uFDD0';
  static final char END = '\uFDD1';

  @Override
  public String getName() {
    return "generation";
  }

  @Override
  public String getEndTagName() {
    return "endgeneration";
  }

  @Override
  public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
    StringBuilder out = new StringBuilder().append(START);
    try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
      for (Node child : tagNode.getChildren()) {
        out.append(child.render(interpreter).getValue());
      }
    }
    return out.append(END).toString();
  }
}
