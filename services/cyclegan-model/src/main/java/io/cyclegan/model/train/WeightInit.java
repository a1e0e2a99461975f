package io.cyclegan.model.train;

import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.nn.Network;
import java.util.SplittableRandom;

/**
 * The official {@code networks.init_weights} for convolution weights in PyTorch layout ({@code
 * (out, in, k, k)}; a transposed convolution's {@code (in, out, k, k)} is read the same way, as
 * torch's fan computation does): fan-in is {@code shape[1] * k * k}, fan-out {@code shape[0] * k *
 * k}.
 */
public final class WeightInit {

  private WeightInit() {}

  /** The fill of {@code type} with {@code gain} ({@code init_gain}; kaiming ignores it). */
  public static Network.WeightFill of(InitType type, double gain) {
    return (shape, random) -> values(type, gain, shape, random);
  }

  /** Values for one weight. */
  public static float[] values(InitType type, double gain, Shape shape, SplittableRandom random) {
    int n = Math.toIntExact(shape.size());
    long receptive = 1;
    for (int d = 2; d < shape.dimension(); d++) {
      receptive *= shape.get(d);
    }
    long fanIn = (shape.dimension() > 1 ? shape.get(1) : 1) * receptive;
    long fanOut = shape.get(0) * receptive;
    return switch (type) {
      // normal_(0, gain)
      case NORMAL -> gaussian(n, gain, random);
      // xavier_normal_(gain): std = gain * sqrt(2 / (fan_in + fan_out))
      case XAVIER -> gaussian(n, gain * Math.sqrt(2.0 / (fanIn + fanOut)), random);
      // kaiming_normal_(a=0, mode='fan_in'): std = sqrt(2) / sqrt(fan_in)
      case KAIMING -> gaussian(n, Math.sqrt(2.0 / fanIn), random);
      case ORTHOGONAL -> orthogonal((int) shape.get(0), n / (int) shape.get(0), gain, random);
    };
  }

  private static float[] gaussian(int n, double std, SplittableRandom random) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return v;
  }

  /**
   * orthogonal_(gain): a Gaussian {@code rows x cols} matrix made orthonormal along its shorter
   * side (Gram-Schmidt, which is QR with the signs torch fixes), times gain.
   */
  static float[] orthogonal(int rows, int cols, double gain, SplittableRandom random) {
    boolean byRows = rows <= cols;
    int count = byRows ? rows : cols;
    int length = byRows ? cols : rows;
    double[][] v = new double[count][length];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < length; j++) {
        v[i][j] = random.nextGaussian();
      }
    }
    for (int i = 0; i < count; i++) {
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < length; j++) {
          dot += v[i][j] * v[k][j];
        }
        for (int j = 0; j < length; j++) {
          v[i][j] -= dot * v[k][j];
        }
      }
      double norm = 0;
      for (int j = 0; j < length; j++) {
        norm += v[i][j] * v[i][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < length; j++) {
        v[i][j] /= norm;
      }
    }
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[r * cols + c] = (float) (gain * (byRows ? v[r][c] : v[c][r]));
      }
    }
    return out;
  }
}
