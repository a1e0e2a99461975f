package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The U-Net's up-sampling layer, {@code nn.ConvTranspose2d(kernel 4, stride 2, padding 1)}, which
 * the engine cannot run (its {@code deconvolution} throws), built like {@link
 * Layers#convTranspose3x3Stride2} from four ordinary convolutions.
 */
public final class UnetLayers {

  private UnetLayers() {}

  /**
   * {@code ConvTranspose2d(k4, s2, p1)} with weight (Cin, Cout, 4, 4): (N, Cin, H, W) to (N, Cout,
   * 2H, 2W). Output row 2i reads input rows i-1 and i through taps 3 and 1, row 2i+1 reads rows i
   * and i+1 through taps 2 and 0 (likewise for columns). With the kernel flipped those are its even
   * and odd taps, so each of the four output phases is a 2x2 convolution of the input zero-padded
   * by one, shifted by the phase; the phases are interleaved back. Same FLOPs as the reference.
   *
   * @param bias (Cout), or null
   */
  public static NDArray convTranspose4x4Stride2(NDArray x, NDArray weight, NDArray bias) {
    NDManager m = x.getManager();
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    NDArray flipped = attach(attach(weight.transpose(1, 0, 2, 3), m).flip(2, 3), m);
    NDArray padded = x.pad(new Shape(1, 1, 1, 1), 0);
    NDArray[][] phases = new NDArray[2][2];
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        NDArray kernel = attach(flipped.get(new NDIndex(":, :, {}::2, {}::2", a, b)), m);
        NDArray window = padded.get(new NDIndex(":, :, {}:{}, {}:{}", a, a + h + 1, b, b + w + 1));
        phases[a][b] = Layers.conv2d(window, kernel, bias, 1, 0);
      }
    }
    NDArray evenRows = NDArrays.stack(new NDList(phases[0][0], phases[0][1]), 4);
    NDArray oddRows = NDArrays.stack(new NDList(phases[1][0], phases[1][1]), 4);
    NDArray interleaved = NDArrays.stack(new NDList(evenRows, oddRows), 3);
    Shape s = phases[0][0].getShape();
    return interleaved.reshape(s.get(0), s.get(1), 2 * h, 2 * w);
  }

  private static NDArray attach(NDArray array, NDManager manager) {
    array.attach(manager);
    return array;
  }
}
