package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * The reference {@code PixelDiscriminator} ({@code --netD pixel}, a 1x1 PixelGAN): three 1x1
 * convolutions, ndf then 2 x ndf wide, with LeakyReLU 0.2 and the chosen norm after the second; one
 * score per pixel. As in the reference the first convolution always has a bias and the other two
 * only with instance norm.
 */
public final class PixelDiscriminator extends Network {

  private static final float SLOPE = 0.2f;

  private final Conv first;
  private final Conv second;
  private final NormLayer norm;
  private final Conv last;

  /** Creates an uninitialized pixel discriminator of {@code spec}; call {@link #initialize}. */
  public PixelDiscriminator(NDManager parent, String name, NetworkSpec spec) {
    super(parent, name);
    int ndf = spec.ndf();
    boolean bias = spec.norm().convolutionBias();
    // Keys of the reference's nn.Sequential named net: 0 conv, 2 conv, 3 norm, 5 conv.
    first = conv("net.0", spec.inputChannels(), ndf, 1, 1, 0);
    second = conv("net.2", ndf, ndf * 2, 1, 1, 0, bias);
    norm = norm("net.3", spec.norm(), ndf * 2);
    last = conv("net.5", ndf * 2, 1, 1, 1, 0, bias);
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray y = Activation.leakyRelu(first.forward(x), SLOPE);
    y = Activation.leakyRelu(norm.forward(second.forward(y), isTraining()), SLOPE);
    return last.forward(y);
  }
}
