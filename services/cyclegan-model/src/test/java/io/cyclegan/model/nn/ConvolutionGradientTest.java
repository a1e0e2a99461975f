package io.cyclegan.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Convolution gradients in float agree with double (libtorch's own kernels), for the layer shapes
 * the networks have, ragged output channel counts included: a generator's last layer (to 3
 * channels), a discriminator's (to 1), and the small widths of the tests' networks. On AMD EPYC
 * (Zen 5) CPUs the engine's float kernels got every input gradient of these wrong ({@link
 * ConvolutionCheck}).
 */
class ConvolutionGradientTest {

  @AfterEach
  void checkAgain() {
    ConvolutionCheck.force(null);
  }

  @ParameterizedTest(name = "{0} -> {1}, kernel {2}, {3} px, stride {4}, padding {5}")
  @CsvSource({
    "64, 3, 7, 38, 1, 0",
    "8, 1, 4, 18, 1, 1",
    "8, 8, 3, 10, 1, 0",
    "2, 2, 7, 38, 1, 0",
    "4, 8, 3, 16, 2, 1",
    "64, 64, 3, 18, 1, 0",
  })
  void shouldGiveTheGradientsOfDoublePrecision(
      int in, int out, int kernel, int size, int stride, int padding) {
    assertGradientsAgree(in, out, kernel, size, stride, padding);
  }

  @ParameterizedTest(name = "{0} -> {1}, kernel {2}, {3} px, stride {4}, padding {5}")
  @CsvSource({"64, 3, 7, 38, 1, 0", "8, 1, 4, 18, 2, 1", "2, 2, 7, 38, 1, 0"})
  void shouldGiveTheSameGradientsWithZeroFiltersAdded(
      int in, int out, int kernel, int size, int stride, int padding) {
    ConvolutionCheck.force(true);
    assertGradientsAgree(in, out, kernel, size, stride, padding);
  }

  @Test
  void shouldLeaveNoArraysWithTheWeightsWhenZeroFiltersAreAdded() {
    // Each step as a discriminator has it: a frozen forward (gradients for its input only), then a
    // training forward (filters made once per weight update), then the update.
    ConvolutionCheck.force(true);
    try (NDManager params = NDManager.newBaseManager();
        NDManager step = NDManager.newBaseManager()) {
      NDArray w = params.randomNormal(0, 0.1f, new Shape(3, 8, 3, 3), DataType.FLOAT32);
      NDArray b = params.zeros(new Shape(3));
      int held = params.getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        NDArray x = step.randomUniform(-1, 1, new Shape(2, 8, 10, 10));
        x.setRequiresGradient(true);
        w.setRequiresGradient(false);
        b.setRequiresGradient(false);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(Layers.conv2d(x, w, b, 1, 1).sum());
        }
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(Layers.conv2d(x.stopGradient(), w, b, 1, 1).sum());
        }
        Network.parameterWritten(w);
        Network.parameterWritten(b);
      }
      assertThat(params.getManagedArrays()).hasSize(held);
    }
  }

  @Test
  void shouldUseTheNewWeightWhenZeroFiltersAreAddedAfterTheWeightWasWritten() {
    // The padded filters are made once per weight update: a write must drop them.
    try (NDManager params = NDManager.newBaseManager();
        NDManager step = NDManager.newBaseManager()) {
      NDArray w = params.randomNormal(0, 0.1f, new Shape(3, 8, 3, 3), DataType.FLOAT32);
      NDArray b = params.randomNormal(0, 0.1f, new Shape(3), DataType.FLOAT32);
      w.setRequiresGradient(true);
      b.setRequiresGradient(true);
      NDArray x = step.randomUniform(-1, 1, new Shape(2, 8, 10, 10));
      float[] w2 = params.randomNormal(0, 0.1f, w.getShape(), DataType.FLOAT32).toFloatArray();
      float[] b2 = params.randomNormal(0, 0.1f, b.getShape(), DataType.FLOAT32).toFloatArray();
      ConvolutionCheck.force(true);
      NDArray before;
      NDArray after;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        before = Layers.conv2d(x, w, b, 1, 1);
        collector.backward(before.sum());
      }
      Network.assign(w, w2);
      Network.assign(b, b2);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        after = Layers.conv2d(x, w, b, 1, 1);
        collector.backward(after.sum());
      }
      ConvolutionCheck.force(false);
      NDArray expected = Layers.conv2d(x, w, b, 1, 1);
      assertThat(after.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
      assertThat(before.sub(expected).abs().max().getFloat()).isGreaterThan(1e-3f);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}, {2} px")
  @CsvSource({"4, 2, 8", "8, 3, 8", "8, 4, 4"})
  void shouldGiveTheTransposedConvolutionsGradientsOfDoublePrecision(int in, int out, int size) {
    // Its convolution's input is an array an operation made (the padded input), not a leaf.
    assertTransposedGradientsAgree(in, out, size);
  }

  @ParameterizedTest(name = "{0} -> {1}, {2} px")
  @CsvSource({"4, 2, 8", "8, 3, 8"})
  void shouldGiveTheTransposedConvolutionsGradientsWithZeroFiltersAdded(int in, int out, int size) {
    // 4 x out phase channels, ragged: its kernel, made in the forward, is padded there.
    ConvolutionCheck.force(true);
    assertTransposedGradientsAgree(in, out, size);
  }

  private static void assertTransposedGradientsAgree(int in, int out, int size) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(-1, 1, new Shape(2, in, size, size));
      NDArray w = m.randomNormal(0, 0.1f, new Shape(in, out, 3, 3), DataType.FLOAT32);
      NDArray upstream = m.randomUniform(-1, 1, new Shape(2, out, 2L * size, 2L * size));
      NDArray[] single = transposedGradients(x, w, upstream, DataType.FLOAT32);
      NDArray[] exact = transposedGradients(x, w, upstream, DataType.FLOAT64);
      String[] names = {"input gradient", "weight gradient"};
      for (int i = 0; i < names.length; i++) {
        double scale = exact[i].abs().max().getDouble();
        double error =
            single[i].toType(DataType.FLOAT64, false).sub(exact[i]).abs().max().getDouble();
        assertThat(scale).as("%s: largest value", names[i]).isGreaterThan(0);
        assertThat(error)
            .as("%s: largest error, of values up to %s", names[i], scale)
            .isLessThanOrEqualTo(1e-4 * scale + 1e-6);
      }
    }
  }

  private static NDArray[] transposedGradients(
      NDArray x0, NDArray w0, NDArray upstream, DataType type) {
    NDArray x = x0.toType(type, true);
    NDArray w = w0.toType(type, true);
    x.setRequiresGradient(true);
    w.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray y = Layers.convTranspose3x3Stride2(x, w, null);
      collector.backward(y.mul(upstream.toType(type, false)).sum());
    }
    return new NDArray[] {x.getGradient(), w.getGradient()};
  }

  private static void assertGradientsAgree(
      int in, int out, int kernel, int size, int stride, int padding) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(-1, 1, new Shape(2, in, size, size));
      NDArray w = m.randomNormal(0, 0.1f, new Shape(out, in, kernel, kernel), DataType.FLOAT32);
      NDArray b = m.randomNormal(0, 0.1f, new Shape(out), DataType.FLOAT32);
      long side = (size + 2L * padding - kernel) / stride + 1;
      NDArray upstream = m.randomUniform(-1, 1, new Shape(2, out, side, side));
      NDArray[] single = gradients(x, w, b, upstream, stride, padding, DataType.FLOAT32);
      NDArray[] exact = gradients(x, w, b, upstream, stride, padding, DataType.FLOAT64);
      String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
      for (int i = 0; i < names.length; i++) {
        double scale = exact[i].abs().max().getDouble();
        double error =
            single[i].toType(DataType.FLOAT64, false).sub(exact[i]).abs().max().getDouble();
        assertThat(error)
            .as("%s: largest error, of values up to %s", names[i], scale)
            .isLessThanOrEqualTo(1e-4 * scale + 1e-6);
      }
    }
  }

  private static NDArray[] gradients(
      NDArray x0,
      NDArray w0,
      NDArray b0,
      NDArray upstream,
      int stride,
      int padding,
      DataType type) {
    NDArray x = x0.toType(type, true);
    NDArray w = w0.toType(type, true);
    NDArray b = b0.toType(type, true);
    x.setRequiresGradient(true);
    w.setRequiresGradient(true);
    b.setRequiresGradient(true);
    NDArray y;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      y = Layers.conv2d(x, w, b, stride, padding);
      collector.backward(y.mul(upstream.toType(type, false)).sum());
    }
    return new NDArray[] {y, x.getGradient(), w.getGradient(), b.getGradient()};
  }
}
