package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The layers of the reference CycleGAN that DJL 0.36's PyTorch engine lacks, built from operations
 * it has. All take and return NCHW arrays; every result (and every temporary derived from a
 * parameter) is attached to the input's manager, so it dies with the caller's per-step manager.
 *
 * <p>Each libtorch operation costs a JNI call, a dispatch and an autograd node whatever its size,
 * which is what small networks (and any network on a GPU) spend their time on. So the layers keep
 * operations few: constants that depend only on a shape (the affine-free norm's ones and zeros, the
 * reflection padding's gather indices) are made once per shape and device, and the transposed
 * convolution's phase kernels once per weight update ({@link DerivedKernels}).
 */
public final class Layers {

  /** The reference {@code nn.InstanceNorm2d} epsilon. */
  public static final float INSTANCE_NORM_EPS = 1e-5f;

  private Layers() {}

  /**
   * {@code InstanceNorm2d(affine=False, track_running_stats=False)}: a layer norm over (H, W) of
   * every (n, c) slice is the same computation and is one fused libtorch kernel.
   */
  public static NDArray instanceNorm(NDArray x) {
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    Shape hw = new Shape(h, w);
    // The engine requires real gamma/beta arrays; ones and zeros make it affine-free.
    NDArray gamma =
        ShapeConstants.get(x, "ones", h, w, m -> m.ones(hw, x.getDataType()), x.getDataType());
    NDArray beta =
        ShapeConstants.get(x, "zeros", h, w, m -> m.zeros(hw, x.getDataType()), x.getDataType());
    return LayerNorm.layerNorm(x, hw, gamma, beta, INSTANCE_NORM_EPS).singletonOrThrow();
  }

  /** {@code nn.ReflectionPad2d(p)}: the engine pads only with a constant. */
  public static NDArray reflectionPad(NDArray x, int p) {
    return reflectionPad(x, p, p, p, p);
  }

  /**
   * {@code F.pad(x, (left, right, top, bottom), mode='reflect')}: the edge pixel is not repeated,
   * so each padding must be smaller than its edge. One gather of the flattened image with cached
   * indices (and one scatter-add in backward), instead of slices, flips and concatenations.
   */
  public static NDArray reflectionPad(NDArray x, int top, int bottom, int left, int right) {
    if (top == 0 && bottom == 0 && left == 0 && right == 0) {
      return x;
    }
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    if (Math.max(top, bottom) >= h
        || Math.max(left, right) >= w
        || Math.min(Math.min(top, bottom), Math.min(left, right)) < 0) {
      throw new IllegalArgumentException(
          "reflection padding "
              + top
              + "/"
              + bottom
              + "/"
              + left
              + "/"
              + right
              + " (top/bottom/left/right) needs an input larger than each, was "
              + h
              + "x"
              + w);
    }
    int ph = h + top + bottom;
    int pw = w + left + right;
    NDArray index =
        ShapeConstants.get(
            x,
            "reflect" + top + "," + bottom + "," + left + "," + right,
            h,
            w,
            m -> reflectionIndex(m, h, w, top, bottom, left, right),
            DataType.INT64);
    // The view would otherwise belong to the shared index's manager and outlive the step.
    NDArray expanded = index.broadcast(n, c, (long) ph * pw);
    expanded.attach(x.getManager());
    return x.reshape(n, c, (long) h * w).gather(expanded, 2).reshape(n, c, ph, pw);
  }

  private static NDArray reflectionIndex(
      NDManager m, int h, int w, int top, int bottom, int left, int right) {
    int ph = h + top + bottom;
    int pw = w + left + right;
    long[] index = new long[ph * pw];
    for (int i = 0; i < ph; i++) {
      int row = reflect(i - top, h);
      for (int j = 0; j < pw; j++) {
        index[i * pw + j] = (long) row * w + reflect(j - left, w);
      }
    }
    // duplicate(): libtorch owns the copy; create() alone aliases a Java buffer.
    try (NDManager scratch = m.newSubManager()) {
      NDArray owned = scratch.create(index, new Shape(1, 1, (long) ph * pw)).duplicate();
      owned.attach(m);
      return owned;
    }
  }

  private static int reflect(int k, int n) {
    return k < 0 ? -k : k >= n ? 2 * (n - 1) - k : k;
  }

  /**
   * A 2-D convolution with square kernel, zero padding and bias. On a CPU whose convolutions get
   * the input gradient wrong for a ragged output channel count ({@link ConvolutionCheck}), one that
   * records that gradient runs with zero filters added up to a multiple of 16, and the real
   * channels are sliced off. The padded filters are made once per weight update.
   */
  public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
    long out = weight.getShape().get(0);
    if (!ConvolutionCheck.mustPad(x, out)) {
      return rawConv2d(x, weight, bias, stride, padding);
    }
    NDManager m = x.getManager();
    NDArray filters = withZeroFilters(x, weight, m);
    NDArray biases = bias == null ? null : withZeroFilters(x, bias, m);
    return rawConv2d(x, filters, biases, stride, padding)
        .get(new NDIndex().addAllDim().addSliceDim(0, out));
  }

  /**
   * {@code array} (a weight or a bias) with zeros appended along its first (output channel) axis up
   * to a multiple of {@link ConvolutionCheck#CHANNEL_BLOCK}, in {@code m}. A parameter being
   * trained gets them once per weight update ({@link DerivedKernels}): a generator's first and last
   * layers serve its three forwards in a step, a discriminator's its two training forwards.
   * Anything else (a frozen discriminator's weight, used once a step; a kernel an operation made,
   * which DJL's {@code requiresGrad} reads as false and the cache would cut from the graph) is
   * padded here.
   */
  private static NDArray withZeroFilters(NDArray like, NDArray array, NDManager m) {
    if (JniUtils.requiresGrad((PtNDArray) array)) {
      return DerivedKernels.get(array, m, (p, owner) -> padded(like, p, owner));
    }
    return padded(like, array, m);
  }

  private static NDArray padded(NDArray like, NDArray array, NDManager owner) {
    long out = array.getShape().get(0);
    int block = ConvolutionCheck.CHANNEL_BLOCK;
    long padded = (out + block - 1) / block * block;
    Shape extra = new Shape(padded - out).addAll(array.getShape().slice(1));
    // An operation's result belongs to its first operand's manager (a parameter's: the network's).
    return attach(array.concat(zeros(like, extra, array.getDataType()), 0), owner);
  }

  /** Zeros of {@code shape}, made once per shape and device (never written). */
  private static NDArray zeros(NDArray like, Shape shape, DataType type) {
    return ShapeConstants.get(like, "zeros" + shape, 0, 0, m -> m.zeros(shape, type), type);
  }

  private static NDArray rawConv2d(
      NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
    return Conv2d.conv2d(
            x,
            weight,
            bias,
            new Shape(stride, stride),
            new Shape(padding, padding),
            new Shape(1, 1),
            1)
        .singletonOrThrow();
  }

  /**
   * {@code nn.ConvTranspose2d(kernel 3, stride 2, padding 1, output_padding 1)} with weight (Cin,
   * Cout, 3, 3), which the engine cannot run. Sub-pixel (phase) decomposition: output pixel (2i+a,
   * 2j+b) only ever sees the kernel taps of one parity, at input pixels (i..i+1, j..j+1). So one
   * 2x2 convolution of the input, padded by one zero row and column (output_padding=1 makes the
   * last odd row and column read one zero beyond the input), with the four phases' kernels stacked
   * as output channels gives all four phases; a reshape interleaves them. Each phase's kernel is a
   * slice of the spatially flipped weight, zero-filled to 2x2, so gradients reach the one weight.
   *
   * <p>One convolution instead of four: 16 multiply-adds per output pixel group where the reference
   * does 9 (the zeros), for a quarter of the operations, which is what small networks pay for. The
   * kernels and the bias repeated per phase are made once per weight update ({@link
   * DerivedKernels}).
   */
  public static NDArray convTranspose3x3Stride2(NDArray x, NDArray weight, NDArray bias) {
    NDManager m = x.getManager();
    NDArray kernel = DerivedKernels.get(weight, m, Layers::phaseKernel);
    NDArray phaseBias = bias == null ? null : DerivedKernels.get(bias, m, Layers::phaseBias);
    Shape s = x.getShape();
    long n = s.get(0);
    long h = s.get(2);
    long w = s.get(3);
    long out = weight.getShape().get(1);
    NDArray phases = conv2d(x.pad(new Shape(0, 1, 0, 1), 0), kernel, phaseBias, 1, 0);
    // (N, [ee eo oe oo] x Cout, h, w) -> (N, Cout, h, row parity, w, column parity).
    return phases
        .reshape(n, 2, 2, out, h, w)
        .transpose(0, 3, 4, 1, 5, 2)
        .reshape(n, out, 2 * h, 2 * w);
  }

  /**
   * The (4 Cout, Cin, 2, 2) phase kernel of a (Cin, Cout, 3, 3) transposed-convolution weight,
   * attached to {@code m}. With f the weight transposed to (Cout, Cin, 3, 3) and flipped, f[a][b] =
   * weight[2-a][2-b], phase (row parity, column parity) reads input (i + r, j + s) with tap: (0, 0)
   * f[1][1] at r = s = 0; (0, 1) f[1][2s]; (1, 0) f[2r][1]; (1, 1) f[2r][2s]; zero elsewhere.
   */
  static NDArray phaseKernel(NDArray weight, NDManager m) {
    NDArray f = attach(attach(weight.transpose(1, 0, 2, 3), m).flip(2, 3), m);
    NDArray ee = attach(f.get(new NDIndex(":, :, 1:2, 1:2")), m).pad(new Shape(0, 1, 0, 1), 0);
    NDArray eo = attach(f.get(new NDIndex(":, :, 1:2, ::2")), m).pad(new Shape(0, 0, 0, 1), 0);
    NDArray oe = attach(f.get(new NDIndex(":, :, ::2, 1:2")), m).pad(new Shape(0, 1, 0, 0), 0);
    NDArray oo = attach(f.get(new NDIndex(":, :, ::2, ::2")), m);
    return attach(NDArrays.concat(new NDList(ee, eo, oe, oo), 0), m);
  }

  /** The bias repeated for the four phases, attached to {@code m}. */
  static NDArray phaseBias(NDArray bias, NDManager m) {
    return attach(NDArrays.concat(new NDList(bias, bias, bias, bias), 0), m);
  }

  private static NDArray attach(NDArray array, NDManager manager) {
    array.attach(manager);
    return array;
  }
}
