package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * One norm layer of a network. Batch norm is libtorch's own {@code batch_norm} kernel with the
 * reference defaults (momentum 0.1, eps 1e-5): in training mode it normalises by the batch's
 * statistics and updates the running mean and (unbiased) variance in place, in eval mode it uses
 * them. DJL's {@code BatchNorm} block cannot serve here: on this engine it always runs in eval mode
 * ("FIXME: Hardcode training to false"), and its functional form takes MXNet's momentum (1 - ours).
 */
public final class NormLayer {

  /** The reference {@code nn.BatchNorm2d} defaults. */
  public static final double BATCH_NORM_MOMENTUM = 0.1;

  public static final double BATCH_NORM_EPS = 1e-5;

  private final Norm kind;
  private final NDArray scale;
  private final NDArray shift;
  private final NDArray runningMean;
  private final NDArray runningVar;
  private final NDArray batchesTracked;

  private NormLayer(
      Norm kind,
      NDArray scale,
      NDArray shift,
      NDArray runningMean,
      NDArray runningVar,
      NDArray batchesTracked) {
    this.kind = kind;
    this.scale = scale;
    this.shift = shift;
    this.runningMean = runningMean;
    this.runningVar = runningVar;
    this.batchesTracked = batchesTracked;
  }

  /** Instance norm or none: no tensors of its own. */
  static NormLayer parameterFree(Norm kind) {
    if (kind == Norm.BATCH) {
      throw new IllegalArgumentException("batch norm has parameters");
    }
    return new NormLayer(kind, null, null, null, null, null);
  }

  /** Batch norm over the given (registered) parameters and buffers. */
  static NormLayer batch(
      NDArray scale, NDArray shift, NDArray runningMean, NDArray runningVar, NDArray tracked) {
    return new NormLayer(Norm.BATCH, scale, shift, runningMean, runningVar, tracked);
  }

  /** Which norm this is. */
  public Norm kind() {
    return kind;
  }

  /** Normalises an NCHW batch; {@code training} selects batch or running statistics. */
  public NDArray forward(NDArray x, boolean training) {
    switch (kind) {
      case INSTANCE:
        return Layers.instanceNorm(x);
      case NONE:
        return x;
      default:
        // Arguments in the order the engine's own PtNDArrayEx.batchNorm passes them (input,
        // running mean, running var, weight, bias), whatever JniUtils's parameter names say; the
        // parity tests against PyTorch hold it. The result is attached to x's manager.
        NDArray y =
            JniUtils.batchNorm(
                (PtNDArray) x,
                (PtNDArray) runningMean,
                (PtNDArray) runningVar,
                (PtNDArray) scale,
                (PtNDArray) shift,
                training,
                BATCH_NORM_MOMENTUM,
                BATCH_NORM_EPS);
        if (training) {
          // The module, not the kernel, counts batches; the count only goes to the state_dict.
          GradMode.withoutGradients(() -> batchesTracked.addi(1));
        }
        return y;
    }
  }
}
