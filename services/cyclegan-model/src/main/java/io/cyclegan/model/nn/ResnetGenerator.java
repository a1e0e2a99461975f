package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@code ResnetGenerator}: reflection pad 3 and a 7x7 stem, two stride-2
 * downsamplings, {@code blocks} residual blocks with reflection padding, two transposed
 * convolutions with output padding, reflection pad 3, a 7x7 convolution and tanh. Each convolution
 * but the last is followed by the chosen norm and carries a bias only for instance norm (the
 * reference's {@code use_bias}); with dropout a block has Dropout(0.5) between its convolutions,
 * which shifts its second convolution to {@code conv_block.6}, as in the reference state_dict.
 */
public final class ResnetGenerator extends Network {

  private static final int DOWNSAMPLINGS = 2;
  private static final float DROPOUT = 0.5f;

  private final int blocks;
  private final int ngf;
  private final boolean dropout;
  private final Conv stem;
  private final List<Conv> down = new ArrayList<>();
  private final List<Conv[]> residual = new ArrayList<>();
  private final List<Conv> up = new ArrayList<>();
  private final List<NormLayer> norms = new ArrayList<>();
  private final Conv head;

  /** Creates an uninitialized RGB generator with instance norm and no dropout (the default). */
  public ResnetGenerator(NDManager parent, String name, int blocks, int ngf) {
    this(parent, name, blocks, ngf, Norm.INSTANCE, false, 3, 3);
  }

  /** Creates an uninitialized generator as {@code spec} describes; call {@link #initialize}. */
  public ResnetGenerator(NDManager parent, String name, NetworkSpec spec) {
    this(
        parent,
        name,
        spec.generatorBlocks(),
        spec.ngf(),
        spec.norm(),
        spec.dropout(),
        spec.inputChannels(),
        spec.outputChannels());
  }

  private ResnetGenerator(
      NDManager parent,
      String name,
      int blocks,
      int ngf,
      Norm norm,
      boolean dropout,
      int inputChannels,
      int outputChannels) {
    super(parent, name);
    if (blocks < 0 || ngf < 1) {
      throw new IllegalArgumentException(
          "blocks must be >= 0 and ngf >= 1, was " + blocks + ", " + ngf);
    }
    this.blocks = blocks;
    this.ngf = ngf;
    this.dropout = dropout;
    boolean bias = norm.convolutionBias();
    // Indices follow the reference nn.Sequential, so parameter names match its state_dict.
    int index = 1;
    stem = conv("model." + index, inputChannels, ngf, 7, 1, 0, bias);
    norms.add(norm("model." + (index + 1), norm, ngf));
    index += 3;
    for (int i = 0; i < DOWNSAMPLINGS; i++) {
      int mult = 1 << i;
      down.add(conv("model." + index, ngf * mult, ngf * mult * 2, 3, 2, 1, bias));
      norms.add(norm("model." + (index + 1), norm, ngf * mult * 2));
      index += 3;
    }
    int width = ngf << DOWNSAMPLINGS;
    int second = dropout ? 6 : 5;
    for (int i = 0; i < blocks; i++) {
      String prefix = "model." + index + ".conv_block.";
      Conv c1 = conv(prefix + 1, width, width, 3, 1, 0, bias);
      norms.add(norm(prefix + 2, norm, width));
      Conv c2 = conv(prefix + second, width, width, 3, 1, 0, bias);
      norms.add(norm(prefix + (second + 1), norm, width));
      residual.add(new Conv[] {c1, c2});
      index++;
    }
    for (int i = 0; i < DOWNSAMPLINGS; i++) {
      int mult = 1 << (DOWNSAMPLINGS - i);
      up.add(convTranspose("model." + index, ngf * mult, ngf * mult / 2, bias));
      norms.add(norm("model." + (index + 1), norm, ngf * mult / 2));
      index += 3;
    }
    head = conv("model." + (index + 1), ngf, outputChannels, 7, 1, 0);
  }

  /** The number of residual blocks. */
  public int blocks() {
    return blocks;
  }

  /** The width of the first layer. */
  public int ngf() {
    return ngf;
  }

  @Override
  public NDArray forward(NDArray x) {
    boolean training = isTraining();
    int n = 0;
    NDArray y = normRelu(norms.get(n++), stem.forward(Layers.reflectionPad(x, 3)), training);
    for (Conv c : down) {
      y = normRelu(norms.get(n++), c.forward(y), training);
    }
    for (Conv[] block : residual) {
      NDArray r = normRelu(norms.get(n++), block[0].forward(Layers.reflectionPad(y, 1)), training);
      if (dropout && training) {
        r = Dropout.dropout(r, DROPOUT, training).singletonOrThrow();
      }
      r = norms.get(n++).forward(block[1].forward(Layers.reflectionPad(r, 1)), training);
      y = y.add(r);
    }
    for (Conv c : up) {
      y = normRelu(norms.get(n++), c.forward(y), training);
    }
    return Activation.tanh(head.forward(Layers.reflectionPad(y, 3)));
  }

  private static NDArray normRelu(NormLayer norm, NDArray x, boolean training) {
    return Activation.relu(norm.forward(x, training));
  }
}
