package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@code ResnetGenerator} (norm 'instance', no dropout): reflection pad 3 and a 7x7
 * stem, two stride-2 downsamplings, {@code blocks} residual blocks with reflection padding, two
 * transposed convolutions with output padding, reflection pad 3, a 7x7 convolution and tanh. All
 * convolutions carry a bias, because the reference sets {@code use_bias} for instance norm.
 */
public final class ResnetGenerator extends Network {

  private static final int DOWNSAMPLINGS = 2;

  private final int blocks;
  private final int ngf;
  private final Conv stem;
  private final List<Conv> down = new ArrayList<>();
  private final List<Conv[]> residual = new ArrayList<>();
  private final List<Conv> up = new ArrayList<>();
  private final Conv head;

  /** Creates an uninitialized generator for RGB images; call {@link #initialize} or load. */
  public ResnetGenerator(NDManager parent, String name, int blocks, int ngf) {
    super(parent, name);
    if (blocks < 0 || ngf < 1) {
      throw new IllegalArgumentException(
          "blocks must be >= 0 and ngf >= 1, was " + blocks + ", " + ngf);
    }
    this.blocks = blocks;
    this.ngf = ngf;
    // Indices follow the reference nn.Sequential, so parameter names match its state_dict.
    int index = 1;
    stem = conv("model." + index, 3, ngf, 7, 1, 0);
    index += 3;
    for (int i = 0; i < DOWNSAMPLINGS; i++) {
      int mult = 1 << i;
      down.add(conv("model." + index, ngf * mult, ngf * mult * 2, 3, 2, 1));
      index += 3;
    }
    int width = ngf << DOWNSAMPLINGS;
    for (int i = 0; i < blocks; i++) {
      String prefix = "model." + index + ".conv_block.";
      residual.add(
          new Conv[] {
            conv(prefix + 1, width, width, 3, 1, 0), conv(prefix + 5, width, width, 3, 1, 0)
          });
      index++;
    }
    for (int i = 0; i < DOWNSAMPLINGS; i++) {
      int mult = 1 << (DOWNSAMPLINGS - i);
      up.add(convTranspose("model." + index, ngf * mult, ngf * mult / 2));
      index += 3;
    }
    head = conv("model." + (index + 1), ngf, 3, 7, 1, 0);
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
    NDArray y = normRelu(stem.forward(Layers.reflectionPad(x, 3)));
    for (Conv c : down) {
      y = normRelu(c.forward(y));
    }
    for (Conv[] block : residual) {
      NDArray r = normRelu(block[0].forward(Layers.reflectionPad(y, 1)));
      r = Layers.instanceNorm(block[1].forward(Layers.reflectionPad(r, 1)));
      y = y.add(r);
    }
    for (Conv c : up) {
      y = normRelu(c.forward(y));
    }
    return Activation.tanh(head.forward(Layers.reflectionPad(y, 3)));
  }

  private static NDArray normRelu(NDArray x) {
    return Activation.relu(Layers.instanceNorm(x));
  }
}
