package io.cyclegan.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** The loss functions of CycleGAN (Zhu et al. 2017, section 3 and 5.2). */
public final class GanLosses {

  private GanLosses() {}

  /**
   * LSGAN loss: the plain mean squared error against an all-{@code target} label (1 real, 0 fake).
   * Not DJL's {@code Loss.l2Loss}, which is half of it.
   */
  public static NDArray lsgan(NDArray prediction, float target) {
    return prediction.sub(scalar(prediction, target)).square().mean();
  }

  /**
   * The adversarial loss of {@code prediction} against an all-real or all-fake label, as the
   * official {@code GANLoss(gan_mode)} computes it: MSE for {@code lsgan}, binary cross-entropy on
   * logits for {@code vanilla}.
   */
  public static NDArray adversarial(GanMode mode, NDArray prediction, boolean real) {
    return switch (mode) {
      case LSGAN -> lsgan(prediction, real ? 1f : 0f);
      case VANILLA -> bceWithLogits(prediction, real);
      case WGANGP -> throw new UnsupportedOperationException(GanMode.WGANGP_REFUSAL);
    };
  }

  /**
   * {@code BCEWithLogitsLoss} against an all-1 or all-0 target, in PyTorch's stable form: {@code
   * mean(max(x, 0) - x * t + log(1 + exp(-|x|)))}.
   */
  public static NDArray bceWithLogits(NDArray logits, boolean real) {
    NDArray positive = logits.maximum(scalar(logits, 0f));
    NDArray softplus = logits.abs().neg().exp().add(scalar(logits, 1f)).log();
    NDArray perElement = positive.add(softplus);
    return (real ? perElement.sub(logits) : perElement).mean();
  }

  /** Mean absolute error, for the cycle and identity terms. */
  public static NDArray l1(NDArray a, NDArray b) {
    return a.sub(b).abs().mean();
  }

  /** Discriminator loss: the average of the real and fake LSGAN terms (the reference halves). */
  public static NDArray discriminator(NDArray predictionOnReal, NDArray predictionOnFake) {
    return discriminator(GanMode.LSGAN, predictionOnReal, predictionOnFake);
  }

  /** Discriminator loss in {@code mode}: the average of the real and fake terms. */
  public static NDArray discriminator(
      GanMode mode, NDArray predictionOnReal, NDArray predictionOnFake) {
    return scaled(
        adversarial(mode, predictionOnReal, true).add(adversarial(mode, predictionOnFake, false)),
        0.5f);
  }

  /**
   * {@code x * factor} for use inside a recorded graph. Not {@code NDArray.mul(Number)}: on the
   * PyTorch engine that wraps the number in a tensor over a Java direct buffer and closes it at
   * once, while the multiplication's backward node keeps that tensor to scale the gradient; when
   * the garbage collector has freed the buffer by then, the gradient is scaled by whatever the
   * memory holds. We saw exactly that as a generator that randomly stopped learning. Here the
   * factor is a libtorch-owned tensor that the graph keeps alive.
   */
  public static NDArray scaled(NDArray x, float factor) {
    return x.mul(scalar(x, factor));
  }

  private static NDArray scalar(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, like.getDataType());
  }
}
