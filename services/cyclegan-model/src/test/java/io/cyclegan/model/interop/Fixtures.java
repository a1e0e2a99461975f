package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.HostTensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The committed PyTorch fixtures (made by scripts/interop/make_fixtures.py). */
final class Fixtures {
  private Fixtures() {}

  static Path file(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/interop/" + name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("missing test fixture interop/" + name, e);
    }
  }

  /** Inputs and PyTorch's outputs, by name (input_32x32, output_32x32, ...). */
  static Map<String, HostTensor> cases() throws Exception {
    return SafeTensors.read(file("cases.safetensors")).stateDict().tensors();
  }

  /** A float32 tensor of zeros. */
  static HostTensor zeros(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return new HostTensor(shape, new float[Math.toIntExact(n)]);
  }

  /** A state_dict of zeros with {@code layout}'s keys and shapes, in its order. */
  static Map<String, HostTensor> zeros(Map<String, long[]> layout) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    layout.forEach((k, s) -> out.put(k, zeros(s)));
    return out;
  }

  static boolean bitIdentical(HostTensor a, HostTensor b) {
    if (!java.util.Arrays.equals(a.shape(), b.shape()) || a.data().length != b.data().length) {
      return false;
    }
    for (int i = 0; i < a.data().length; i++) {
      if (Float.floatToRawIntBits(a.data()[i]) != Float.floatToRawIntBits(b.data()[i])) {
        return false;
      }
    }
    return true;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " values vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
