package io.cyclegan.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayersTest {

  @Test
  void shouldNormalizeEachChannelOfEachImageWhenInstanceNorm() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Two channels: (1,2,3,4) has mean 2.5 and biased variance 1.25; (0,0,0,8) mean 2, var 12.
      NDArray x = m.create(new float[] {1, 2, 3, 4, 0, 0, 0, 8}, new Shape(1, 2, 2, 2));
      float[] y = Layers.instanceNorm(x).toFloatArray();
      double s1 = Math.sqrt(1.25 + 1e-5);
      double s2 = Math.sqrt(12 + 1e-5);
      float[] expected = {
        (float) (-1.5 / s1), (float) (-0.5 / s1), (float) (0.5 / s1), (float) (1.5 / s1),
        (float) (-2 / s2), (float) (-2 / s2), (float) (-2 / s2), (float) (6 / s2)
      };
      for (int i = 0; i < y.length; i++) {
        assertThat(y[i]).isCloseTo(expected[i], within(1e-5f));
      }
    }
  }

  @Test
  void shouldMirrorWithoutRepeatingTheEdgeWhenReflectionPad() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.arange(1f, 10f).reshape(1, 1, 3, 3);
      NDArray y = Layers.reflectionPad(x, 1);
      assertThat(y.getShape()).isEqualTo(new Shape(1, 1, 5, 5));
      assertThat(y.toFloatArray())
          .containsExactly(
              5, 4, 5, 6, 5, //
              2, 1, 2, 3, 2, //
              5, 4, 5, 6, 5, //
              8, 7, 8, 9, 8, //
              5, 4, 5, 6, 5);
    }
  }

  @Test
  void shouldMatchReferenceFormulaWhenTransposedConvOfOnePixel() {
    try (NDManager m = NDManager.newBaseManager()) {
      // One input pixel of value 2 and kernel 1..9: output (2x2) keeps the centre tap at (0,0),
      // the right tap w[1][2] at (0,1), the lower w[2][1] at (1,0) and w[2][2] at (1,1).
      NDArray x = m.create(new float[] {2}, new Shape(1, 1, 1, 1));
      NDArray w = m.arange(1f, 10f).reshape(1, 1, 3, 3);
      NDArray b = m.create(new float[] {0.5f});
      float[] y = Layers.convTranspose3x3Stride2(x, w, b).toFloatArray();
      assertThat(y).containsExactly(2 * 5 + 0.5f, 2 * 6 + 0.5f, 2 * 8 + 0.5f, 2 * 9 + 0.5f);
    }
  }

  @Test
  void shouldEqualScatterDefinitionWhenTransposedConvOfRandomInput() {
    int cin = 2;
    int cout = 3;
    int h = 3;
    int w = 4;
    Random random = new Random(7);
    float[] x = new float[cin * h * w];
    float[] k = new float[cin * cout * 9];
    float[] bias = new float[cout];
    fill(random, x);
    fill(random, k);
    fill(random, bias);
    float[] expected = scatterTransposedConv(x, k, bias, cin, cout, h, w);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray y =
          Layers.convTranspose3x3Stride2(
              m.create(x, new Shape(1, cin, h, w)),
              m.create(k, new Shape(cin, cout, 3, 3)),
              m.create(bias));
      assertThat(y.getShape()).isEqualTo(new Shape(1, cout, 2 * h, 2 * w));
      float[] actual = y.toFloatArray();
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
      }
    }
  }

  @Test
  void shouldUseTheNewWeightWhenTransposedConvRunsAfterTheWeightWasAssigned() {
    // The phase kernels are cached per weight: a write through Network.assign must drop them.
    int cin = 2;
    int cout = 2;
    Random random = new Random(11);
    float[] x = new float[cin * 3 * 3];
    float[] k1 = new float[cin * cout * 9];
    float[] k2 = new float[cin * cout * 9];
    float[] b1 = new float[cout];
    float[] b2 = new float[cout];
    fill(random, x);
    fill(random, k1);
    fill(random, k2);
    fill(random, b1);
    fill(random, b2);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray weight = Network.upload(m, k1, new Shape(cin, cout, 3, 3));
      NDArray bias = Network.upload(m, b1, new Shape(cout));
      NDArray input = Network.upload(m, x, new Shape(1, cin, 3, 3));
      float[] first = Layers.convTranspose3x3Stride2(input, weight, bias).toFloatArray();
      Network.assign(weight, k2);
      Network.assign(bias, b2);
      float[] second = Layers.convTranspose3x3Stride2(input, weight, bias).toFloatArray();
      float[] expectedFirst = scatterTransposedConv(x, k1, b1, cin, cout, 3, 3);
      float[] expectedSecond = scatterTransposedConv(x, k2, b2, cin, cout, 3, 3);
      for (int i = 0; i < expectedSecond.length; i++) {
        assertThat(first[i]).as("element %d before", i).isCloseTo(expectedFirst[i], within(1e-5f));
        assertThat(second[i]).as("element %d after", i).isCloseTo(expectedSecond[i], within(1e-5f));
      }
    }
  }

  @Test
  void shouldLeaveNoKernelsWithTheWeightsWhenATrainingForwardFollowsOneWithoutAGraph() {
    // A forward without a graph (a sample between training steps) makes the phase kernels in the
    // weights' manager; the next training step makes its own in the step's, and the first ones must
    // not stay behind in the network until it closes, one pair per sample.
    try (NDManager params = NDManager.newBaseManager();
        NDManager step = NDManager.newBaseManager()) {
      NDArray w = params.randomNormal(0, 0.1f, new Shape(4, 2, 3, 3), DataType.FLOAT32);
      NDArray b = params.zeros(new Shape(2));
      w.setRequiresGradient(true);
      b.setRequiresGradient(true);
      int held = params.getManagedArrays().size();
      NDArray x = step.randomUniform(-1, 1, new Shape(1, 4, 4, 4));
      for (int sample = 0; sample < 3; sample++) {
        Layers.convTranspose3x3Stride2(x, w, b).close();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(Layers.convTranspose3x3Stride2(x, w, b).sum());
        }
        Network.parameterWritten(w);
        Network.parameterWritten(b);
      }
      assertThat(params.getManagedArrays()).hasSize(held);
    }
  }

  @Test
  void shouldMirrorEachSideByItsOwnAmountWhenAsymmetricReflectionPad() {
    // F.pad(x, (left 1, right 0, top 0, bottom 2), mode='reflect') of a 3x4 image 0..11.
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.arange(12f).reshape(1, 1, 3, 4);
      NDArray y = Layers.reflectionPad(x, 0, 2, 1, 0);
      assertThat(y.getShape()).isEqualTo(new Shape(1, 1, 5, 5));
      assertThat(y.toFloatArray())
          .containsExactly(
              1, 0, 1, 2, 3, //
              5, 4, 5, 6, 7, //
              9, 8, 9, 10, 11, //
              5, 4, 5, 6, 7, //
              1, 0, 1, 2, 3);
    }
  }

  @Test
  void shouldRefusePaddingAsLargeAsTheEdgeWhenReflectionPad() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.zeros(new Shape(1, 1, 3, 8));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Layers.reflectionPad(x, 0, 3, 0, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("3x8");
    }
  }

  /** ConvTranspose2d(k3, s2, p1, op1) by its definition: input (m, n) scatters to 2m-1+kh. */
  private static float[] scatterTransposedConv(
      float[] x, float[] k, float[] bias, int cin, int cout, int h, int w) {
    int oh = 2 * h;
    int ow = 2 * w;
    float[] y = new float[cout * oh * ow];
    for (int o = 0; o < cout; o++) {
      for (int i = 0; i < oh * ow; i++) {
        y[o * oh * ow + i] = bias[o];
      }
    }
    for (int c = 0; c < cin; c++) {
      for (int mi = 0; mi < h; mi++) {
        for (int ni = 0; ni < w; ni++) {
          for (int o = 0; o < cout; o++) {
            for (int kh = 0; kh < 3; kh++) {
              for (int kw = 0; kw < 3; kw++) {
                int p = 2 * mi - 1 + kh;
                int q = 2 * ni - 1 + kw;
                if (p >= 0 && p < oh && q >= 0 && q < ow) {
                  y[(o * oh + p) * ow + q] +=
                      x[(c * h + mi) * w + ni] * k[((c * cout + o) * 3 + kh) * 3 + kw];
                }
              }
            }
          }
        }
      }
    }
    return y;
  }

  private static void fill(Random random, float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
  }
}
