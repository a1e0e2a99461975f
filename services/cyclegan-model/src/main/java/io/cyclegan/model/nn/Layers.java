package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;

/**
 * The layers of the reference CycleGAN that DJL 0.36's PyTorch engine lacks, built from operations
 * it has. All take and return NCHW arrays; every result (and every temporary derived from a
 * parameter) is attached to the input's manager, so it dies with the caller's per-step manager.
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
    Shape hw = new Shape(x.getShape().get(2), x.getShape().get(3));
    NDManager m = x.getManager();
    // The engine requires real gamma/beta arrays; ones and zeros make it affine-free.
    NDArray gamma = m.ones(hw, x.getDataType());
    NDArray beta = m.zeros(hw, x.getDataType());
    return LayerNorm.layerNorm(x, hw, gamma, beta, INSTANCE_NORM_EPS).singletonOrThrow();
  }

  /** {@code nn.ReflectionPad2d(p)}: the engine pads only with a constant. */
  public static NDArray reflectionPad(NDArray x, int p) {
    if (p == 0) {
      return x;
    }
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    if (p >= h || p >= w) {
      throw new IllegalArgumentException(
          "reflection padding " + p + " needs an input larger than " + p + ", was " + h + "x" + w);
    }
    NDArray left = x.get(new NDIndex(":, :, :, 1:{}", p + 1)).flip(3);
    NDArray right = x.get(new NDIndex(":, :, :, {}:{}", w - 1 - p, w - 1)).flip(3);
    NDArray wide = NDArrays.concat(new NDList(left, x, right), 3);
    NDArray top = wide.get(new NDIndex(":, :, 1:{}, :", p + 1)).flip(2);
    NDArray bottom = wide.get(new NDIndex(":, :, {}:{}, :", h - 1 - p, h - 1)).flip(2);
    return NDArrays.concat(new NDList(top, wide, bottom), 2);
  }

  /** A 2-D convolution with square kernel, zero padding and bias. */
  public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
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
   * 2j+b) only ever sees the kernel taps of one parity, so the four output phases are four small
   * convolutions of the input with the 1x1, 1x2, 2x1 and 2x2 stride-2 slices of the spatially
   * flipped kernel, interleaved back. Same FLOPs as the reference; gradients reach the one weight.
   */
  public static NDArray convTranspose3x3Stride2(NDArray x, NDArray weight, NDArray bias) {
    NDManager m = x.getManager();
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    // (Cin, Cout, kh, kw) -> (Cout, Cin, kh, kw), flipped: f[a][b] = weight[2-a][2-b].
    NDArray flipped = attach(attach(weight.transpose(1, 0, 2, 3), m).flip(2, 3), m);
    NDArray kEvenEven = attach(flipped.get(new NDIndex(":, :, 1:2, 1:2")), m);
    NDArray kEvenOdd = attach(flipped.get(new NDIndex(":, :, 1:2, ::2")), m);
    NDArray kOddEven = attach(flipped.get(new NDIndex(":, :, ::2, 1:2")), m);
    NDArray kOddOdd = attach(flipped.get(new NDIndex(":, :, ::2, ::2")), m);
    // output_padding=1 makes the last odd row/column read one zero beyond the input.
    NDArray padded = x.pad(new Shape(0, 1, 0, 1), 0);
    NDArray ee = conv2d(x, kEvenEven, bias, 1, 0);
    NDArray eo = conv2d(padded.get(new NDIndex(":, :, :{}, :", h)), kEvenOdd, bias, 1, 0);
    NDArray oe = conv2d(padded.get(new NDIndex(":, :, :, :{}", w)), kOddEven, bias, 1, 0);
    NDArray oo = conv2d(padded, kOddOdd, bias, 1, 0);
    NDArray evenRows = NDArrays.stack(new NDList(ee, eo), 4);
    NDArray oddRows = NDArrays.stack(new NDList(oe, oo), 4);
    NDArray interleaved = NDArrays.stack(new NDList(evenRows, oddRows), 3);
    Shape s = ee.getShape();
    return interleaved.reshape(s.get(0), s.get(1), 2 * h, 2 * w);
  }

  private static NDArray attach(NDArray array, NDManager manager) {
    array.attach(manager);
    return array;
  }
}
