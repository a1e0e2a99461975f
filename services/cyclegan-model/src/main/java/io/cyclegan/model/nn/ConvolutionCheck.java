package io.cyclegan.model.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this CPU's convolutions compute wrong input gradients, checked once per process.
 *
 * <p>On AMD EPYC (Zen 5) CPUs, libtorch 2.7.1's oneDNN 3.7.1 computes the input gradient of a float
 * convolution wrongly, every time, when the output channel count is not a multiple of its channel
 * block (16 with AVX-512, 8 with AVX2): the generator's last layer (64 to 3 channels) and the
 * discriminator's (to 1 channel) among them. The forward pass and the weight gradients are right,
 * so nothing fails: the generators just stop learning, and some gradients are NaN. The machines of
 * earlier rounds (Intel Xeon, AVX-512) computed them right.
 *
 * <p>So the first convolution that records an input gradient on a CPU runs a small check: two such
 * convolutions' input gradients in float and in double (libtorch's own kernels, no oneDNN). Where
 * they disagree, {@link Layers#conv2d} computes convolutions with a ragged output channel count as
 * one with zero filters added up to a multiple of 16, and slices the real channels off: the same
 * values and gradients, for more arithmetic in those layers only.
 */
final class ConvolutionCheck {

  /** The widest channel block oneDNN uses for float convolutions on a CPU (AVX-512). */
  static final int CHANNEL_BLOCK = 16;

  private static final Logger log = LoggerFactory.getLogger(ConvolutionCheck.class);

  private static volatile Boolean padOutputChannels;

  private ConvolutionCheck() {}

  /**
   * Whether a convolution of {@code x} with {@code outChannels} filters must be padded: it records
   * gradients, on a CPU whose convolutions get the input gradient wrong. (Whether {@code x} itself
   * needs a gradient is not asked: DJL's {@code hasGradient()} says false for every array an
   * operation made.)
   */
  static boolean mustPad(NDArray x, long outChannels) {
    Boolean pad = padOutputChannels;
    // Once a CPU is known to compute right (most), a convolution asks nothing of the engine.
    if (Boolean.FALSE.equals(pad)
        || outChannels % CHANNEL_BLOCK == 0
        || !Device.Type.CPU.equals(x.getDevice().getDeviceType())
        || !JniUtils.isGradMode()) {
      return false;
    }
    return pad != null ? pad : decide();
  }

  /** Overrides the check's outcome (null: check again on next use); for tests. */
  static void force(Boolean pad) {
    padOutputChannels = pad;
  }

  private static synchronized boolean decide() {
    if (padOutputChannels == null) {
      boolean wrong = inputGradientIsWrong(64, 3, 7, 14) || inputGradientIsWrong(8, 8, 3, 10);
      if (wrong) {
        log.warn(
            "this CPU's convolutions compute wrong input gradients when the output channel count is"
                + " not a multiple of {} (oneDNN in libtorch {}); such convolutions are computed"
                + " with zero filters added, which gives the right gradients for more arithmetic",
            CHANNEL_BLOCK,
            Engine.getEngine("PyTorch").getVersion());
      }
      padOutputChannels = wrong;
    }
    return padOutputChannels;
  }

  /**
   * Whether the input gradient of a {@code cin -> cout} convolution with a {@code k}x{@code k}
   * kernel over a batch of two {@code hw}x{@code hw} images differs between float and double.
   */
  static boolean inputGradientIsWrong(int cin, int cout, int k, int hw) {
    SplittableRandom random = new SplittableRandom(cin * 1_000L + cout * 10L + k);
    float[] x = values(random, 2L * cin * hw * hw, 1);
    float[] w = values(random, (long) cout * cin * k * k, 0.1);
    int out = hw - k + 1;
    float[] upstream = values(random, 2L * cout * out * out, 1);
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      m.setName("convolution-check");
      // Float runs the kernels training uses; double runs libtorch's own.
      double[] a =
          inputGradient(m, x, w, upstream, cin, cout, k, hw, DataType.FLOAT32).toDoubleArray();
      double[] b =
          inputGradient(m, x, w, upstream, cin, cout, k, hw, DataType.FLOAT64).toDoubleArray();
      double scale = 0;
      for (double v : b) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < a.length; i++) {
        if (!(Math.abs(a[i] - b[i]) <= 1e-3 * scale + 1e-6)) {
          return true;
        }
      }
      return false;
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  private static NDArray inputGradient(
      NDManager m,
      float[] xs,
      float[] ws,
      float[] upstream,
      int cin,
      int cout,
      int k,
      int hw,
      DataType type) {
    int out = hw - k + 1;
    // Copies (toType with copy): libtorch owns them; create() alone aliases a Java buffer.
    NDArray x = m.create(xs, new Shape(2, cin, hw, hw)).toType(type, true);
    NDArray w = m.create(ws, new Shape(cout, cin, k, k)).toType(type, true);
    NDArray r = m.create(upstream, new Shape(2, cout, out, out)).toType(type, true);
    x.setRequiresGradient(true);
    w.setRequiresGradient(true);
    NDArray y =
        Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
            .singletonOrThrow();
    NDArray loss = y.mul(r).sum();
    JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape(), type), false, false);
    return x.getGradient().toType(DataType.FLOAT64, true);
  }

  private static float[] values(SplittableRandom random, long n, double scale) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }
}
