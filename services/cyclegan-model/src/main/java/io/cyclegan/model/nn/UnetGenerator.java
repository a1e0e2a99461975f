package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@code UnetGenerator} ({@code --netG unet_256} or {@code unet_128}): {@code
 * downsamplings} nested {@code UnetSkipConnectionBlock}s, each a 4x4 stride-2 convolution down, the
 * inner block, a 4x4 stride-2 transposed convolution up, and (but for the outermost) the
 * concatenation of its input with that result. Widths are ngf, 2 ngf, 4 ngf, then 8 ngf for the
 * rest; an image of 2^downsamplings px reaches 1x1 at the innermost block.
 *
 * <p>Followed exactly, including two things a reader might not expect: the innermost block has no
 * norm after its down convolution, and the in-place {@code LeakyReLU} that opens every inner block
 * rewrites the block's input before the reference's {@code torch.cat([x, model(x)])} reads it, so a
 * skip connection carries LeakyReLU(0.2)(x), not x (harmless: the outer block's ReLU comes next,
 * and ReLU(LeakyReLU(x)) = ReLU(x), in value and gradient). Dropout(0.5), when chosen, follows the
 * up path of the {@code downsamplings - 5} blocks of width 8 ngf around the innermost (as {@code
 * use_dropout} in the reference). Parameter names are the reference's ({@code
 * model.model.1.model.3.model.5.weight}).
 */
public final class UnetGenerator extends Network {

  /** Blocks of fixed width around the innermost: outermost, ngf, 2 ngf, 4 ngf, innermost. */
  private static final int FIXED_BLOCKS = 5;

  private static final float SLOPE = 0.2f;
  private static final float DROPOUT = 0.5f;

  private final int downsamplings;
  private final Block outermost;

  /** Creates an uninitialized U-Net as {@code spec} describes; call {@link #initialize} or load. */
  public UnetGenerator(NDManager parent, String name, NetworkSpec spec) {
    this(
        parent,
        name,
        spec.generator().downsamplings(),
        spec.ngf(),
        spec.norm(),
        spec.dropout(),
        spec.inputChannels(),
        spec.outputChannels());
  }

  /** A U-Net of any depth >= 5 (the reference's {@code num_downs}); the parity tests use 6. */
  public UnetGenerator(
      NDManager parent,
      String name,
      int downsamplings,
      int ngf,
      Norm norm,
      boolean dropout,
      int inputChannels,
      int outputChannels) {
    super(parent, name);
    if (downsamplings < FIXED_BLOCKS || ngf < 1) {
      throw new IllegalArgumentException(
          "downsamplings must be >= "
              + FIXED_BLOCKS
              + " and ngf >= 1, was "
              + downsamplings
              + ", "
              + ngf);
    }
    this.downsamplings = downsamplings;
    // Levels from the outermost in: {input width, inner width, output width}.
    List<int[]> widths = new ArrayList<>();
    widths.add(new int[] {inputChannels, ngf, outputChannels});
    widths.add(new int[] {ngf, 2 * ngf, ngf});
    widths.add(new int[] {2 * ngf, 4 * ngf, 2 * ngf});
    widths.add(new int[] {4 * ngf, 8 * ngf, 4 * ngf});
    for (int i = 0; i < downsamplings - FIXED_BLOCKS + 1; i++) {
      widths.add(new int[] {8 * ngf, 8 * ngf, 8 * ngf});
    }
    outermost = new Block("model.model.", widths, 0, norm, dropout);
  }

  /** The number of stride-2 downsamplings ({@code num_downs}). */
  public int downsamplings() {
    return downsamplings;
  }

  @Override
  public NDArray forward(NDArray x) {
    long multiple = 1L << downsamplings;
    Shape s = x.getShape();
    if (s.get(2) % multiple != 0 || s.get(3) % multiple != 0) {
      throw new IllegalArgumentException(
          "a U-Net with "
              + downsamplings
              + " downsamplings needs edges that are multiples of "
              + multiple
              + ", got "
              + s.get(3)
              + "x"
              + s.get(2));
    }
    return outermost.forward(x, isTraining());
  }

  private enum Kind {
    OUTERMOST,
    MIDDLE,
    INNERMOST
  }

  /** One {@code UnetSkipConnectionBlock}. */
  private final class Block {
    private final Kind kind;
    private final boolean dropout;
    private final NDArray downWeight;
    private final NDArray downBias;
    private final NormLayer downNorm;
    private final NDArray upWeight;
    private final NDArray upBias;
    private final NormLayer upNorm;
    private final Block inner;

    /**
     * Registers the block's tensors at the reference's indices and in its state_dict order (this
     * block's down path, the inner block, this block's up path): outermost [down 0, inner 1, relu,
     * up 3, tanh]; middle [lrelu, down 1, norm 2, inner 3, relu, up 5, norm 6, dropout]; innermost
     * [lrelu, down 1, relu, up 3, norm 4].
     */
    Block(String p, List<int[]> widths, int level, Norm norm, boolean dropoutChosen) {
      int last = widths.size() - 1;
      kind = level == 0 ? Kind.OUTERMOST : level == last ? Kind.INNERMOST : Kind.MIDDLE;
      // The reference's use_dropout reaches only the 8 ngf blocks between 4 ngf and innermost.
      dropout = dropoutChosen && kind == Kind.MIDDLE && level > FIXED_BLOCKS - 2;
      int in = widths.get(level)[0];
      int innerWidth = widths.get(level)[1];
      int out = widths.get(level)[2];
      boolean bias = norm.convolutionBias();
      String down = kind == Kind.OUTERMOST ? "0" : "1";
      downWeight = param(p + down + ".weight", new Shape(innerWidth, in, 4, 4));
      downBias = bias ? param(p + down + ".bias", new Shape(innerWidth)) : null;
      downNorm = kind == Kind.MIDDLE ? norm(p + "2", norm, innerWidth) : null;
      String innerPrefix = p + (kind == Kind.OUTERMOST ? "1" : "3") + ".model.";
      inner =
          kind == Kind.INNERMOST
              ? null
              : new Block(innerPrefix, widths, level + 1, norm, dropoutChosen);
      String up = kind == Kind.MIDDLE ? "5" : "3";
      int upIn = kind == Kind.INNERMOST ? innerWidth : 2 * innerWidth;
      // The outermost up convolution keeps nn.ConvTranspose2d's default bias.
      boolean upHasBias = bias || kind == Kind.OUTERMOST;
      upWeight = param(p + up + ".weight", new Shape(upIn, out, 4, 4));
      upBias = upHasBias ? param(p + up + ".bias", new Shape(out)) : null;
      upNorm =
          switch (kind) {
            case OUTERMOST -> null;
            case MIDDLE -> norm(p + "6", norm, out);
            case INNERMOST -> norm(p + "4", norm, out);
          };
    }

    NDArray forward(NDArray x, boolean training) {
      if (kind == Kind.OUTERMOST) {
        NDArray y = Layers.conv2d(x, downWeight, downBias, 2, 1);
        y = Activation.relu(inner.forward(y, training));
        return Activation.tanh(UnetLayers.convTranspose4x4Stride2(y, upWeight, upBias));
      }
      NDArray skip = Activation.leakyRelu(x, SLOPE);
      NDArray y = Layers.conv2d(skip, downWeight, downBias, 2, 1);
      if (kind == Kind.MIDDLE) {
        y = inner.forward(downNorm.forward(y, training), training);
      }
      y = UnetLayers.convTranspose4x4Stride2(Activation.relu(y), upWeight, upBias);
      y = upNorm.forward(y, training);
      if (dropout && training) {
        y = Dropout.dropout(y, DROPOUT, true).singletonOrThrow();
      }
      return NDArrays.concat(new NDList(skip, y), 1);
    }
  }
}
