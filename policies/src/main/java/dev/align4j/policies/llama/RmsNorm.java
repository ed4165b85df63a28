package dev.align4j.policies.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.core.Scalars;

/**
 * Root-mean-square layer norm (arXiv:1910.07467) as HF's {@code LlamaRMSNorm}:
 * {@code y = w * (x / sqrt(mean(x^2, last axis) + eps))}, statistics in fp32, cast back before the weight.
 */
final class RmsNorm {
  private final NDArray weight;
  private final double eps;

  RmsNorm(NDArray weight, double eps) {
    this.weight = weight;
    this.eps = eps;
  }

  NDArray forward(NDArray x) {
    DataType type = x.getDataType();
    NDArray x32 = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    NDArray inv = Scalars.pow(x32.square().mean(new int[] {x32.getShape().dimension() - 1}, true).add(eps), -0.5);
    NDArray normed = x32.mul(inv);
    if (type != DataType.FLOAT32) {
      normed = normed.toType(type, false);
    }
    return normed.mul(weight);
  }
}
