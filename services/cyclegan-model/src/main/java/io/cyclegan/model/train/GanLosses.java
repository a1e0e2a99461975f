package io.cyclegan.model.train;

import ai.djl.ndarray.NDArray;

/** The loss functions of CycleGAN (Zhu et al. 2017, section 3 and 5.2). */
public final class GanLosses {

  private GanLosses() {}

  /**
   * LSGAN loss: the plain mean squared error against an all-{@code target} label (1 real, 0 fake).
   * Not DJL's {@code Loss.l2Loss}, which is half of it.
   */
  public static NDArray lsgan(NDArray prediction, float target) {
    return prediction.sub(target).square().mean();
  }

  /** Mean absolute error, for the cycle and identity terms. */
  public static NDArray l1(NDArray a, NDArray b) {
    return a.sub(b).abs().mean();
  }

  /** Discriminator loss: the average of the real and fake LSGAN terms (the reference halves). */
  public static NDArray discriminator(NDArray predictionOnReal, NDArray predictionOnFake) {
    return lsgan(predictionOnReal, 1f).add(lsgan(predictionOnFake, 0f)).mul(0.5f);
  }
}
