package dev.align4j.policies.score;

/**
 * The second half of a split backward pass: after autograd has pushed the loss's gradient back to an
 * intermediate result that was handed to the loss as a values-only leaf (e.g. {@link ChunkedLogProbs}' per-token
 * log-probs), {@link #backward()} carries it on into the model's weights. A training step calls it once, right
 * after {@code GradientCollector.backward(loss)} and before it reads or clips any gradient.
 */
public interface DeferredBackward {
  /** Accumulates the rest of the gradient into every weight that requires one. */
  void backward();
}
