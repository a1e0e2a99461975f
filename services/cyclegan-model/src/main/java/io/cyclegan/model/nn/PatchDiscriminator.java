package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@code NLayerDiscriminator} with 3 layers, the 70x70 PatchGAN: 4x4 convolutions
 * with padding 1, LeakyReLU 0.2, three stride-2 layers then one stride-1 layer, instance norm on
 * all but the first, and a 1-channel output map of per-patch scores (30x30 at 256 px).
 */
public final class PatchDiscriminator extends Network {

  private static final int LAYERS = 3;
  private static final float SLOPE = 0.2f;

  private final int ndf;
  private final Conv first;
  private final List<Conv> middle = new ArrayList<>();
  private final Conv last;

  /** Creates an uninitialized discriminator for RGB images; call {@link #initialize} or load. */
  public PatchDiscriminator(NDManager parent, String name, int ndf) {
    super(parent, name);
    if (ndf < 1) {
      throw new IllegalArgumentException("ndf must be >= 1, was " + ndf);
    }
    this.ndf = ndf;
    first = conv("model.0", 3, ndf, 4, 2, 1);
    int index = 2;
    int mult = 1;
    for (int n = 1; n <= LAYERS; n++) {
      int prev = mult;
      mult = Math.min(1 << n, 8);
      middle.add(conv("model." + index, ndf * prev, ndf * mult, 4, n < LAYERS ? 2 : 1, 1));
      index += 3;
    }
    last = conv("model." + index, ndf * mult, 1, 4, 1, 1);
  }

  /** The width of the first layer. */
  public int ndf() {
    return ndf;
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray y = Activation.leakyRelu(first.forward(x), SLOPE);
    for (Conv c : middle) {
      y = Activation.leakyRelu(Layers.instanceNorm(c.forward(y)), SLOPE);
    }
    return last.forward(y);
  }
}
