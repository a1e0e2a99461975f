package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@code NLayerDiscriminator}, with 3 layers the 70x70 PatchGAN ({@code --netD
 * basic}): 4x4 convolutions with padding 1, LeakyReLU 0.2, {@code layers} stride-2 layers then one
 * stride-1 layer, the chosen norm on all but the first, and a 1-channel output map of per-patch
 * scores (30x30 at 256 px with 3 layers). Widths double per layer up to 8 x {@code ndf}.
 */
public final class PatchDiscriminator extends Network {

  private static final int BASIC_LAYERS = 3;
  private static final float SLOPE = 0.2f;

  private final int ndf;
  private final int layers;
  private final Conv first;
  private final List<Conv> middle = new ArrayList<>();
  private final List<NormLayer> norms = new ArrayList<>();
  private final Conv last;

  /** Creates an uninitialized 70x70 PatchGAN for RGB images with instance norm (the default). */
  public PatchDiscriminator(NDManager parent, String name, int ndf) {
    this(parent, name, ndf, BASIC_LAYERS, Norm.INSTANCE, 3);
  }

  /**
   * Creates an uninitialized {@code basic} or {@code n_layers} discriminator of {@code spec}, for
   * images of its {@code inputChannels}; call {@link #initialize} or load.
   */
  public PatchDiscriminator(NDManager parent, String name, NetworkSpec spec) {
    this(parent, name, spec.ndf(), spec.discriminatorLayers(), spec.norm(), spec.inputChannels());
    if (spec.discriminator() == NetworkSpec.Discriminator.PIXEL) {
      throw new IllegalArgumentException("a pixel discriminator is a PixelDiscriminator");
    }
  }

  private PatchDiscriminator(
      NDManager parent, String name, int ndf, int layers, Norm norm, int inputChannels) {
    super(parent, name);
    if (ndf < 1 || layers < 1) {
      throw new IllegalArgumentException("ndf and layers must be >= 1, was " + ndf + ", " + layers);
    }
    this.ndf = ndf;
    this.layers = layers;
    boolean bias = norm.convolutionBias();
    first = conv("model.0", inputChannels, ndf, 4, 2, 1);
    int index = 2;
    int mult = 1;
    for (int n = 1; n <= layers; n++) {
      int prev = mult;
      mult = Math.min(1 << n, 8);
      middle.add(conv("model." + index, ndf * prev, ndf * mult, 4, n < layers ? 2 : 1, 1, bias));
      norms.add(norm("model." + (index + 1), norm, ndf * mult));
      index += 3;
    }
    last = conv("model." + index, ndf * mult, 1, 4, 1, 1);
  }

  /** The width of the first layer. */
  public int ndf() {
    return ndf;
  }

  /** The number of stride-2 layers (3 for the 70x70 PatchGAN). */
  public int layers() {
    return layers;
  }

  @Override
  public NDArray forward(NDArray x) {
    boolean training = isTraining();
    NDArray y = Activation.leakyRelu(first.forward(x), SLOPE);
    for (int i = 0; i < middle.size(); i++) {
      y = Activation.leakyRelu(norms.get(i).forward(middle.get(i).forward(y), training), SLOPE);
    }
    return last.forward(y);
  }
}
