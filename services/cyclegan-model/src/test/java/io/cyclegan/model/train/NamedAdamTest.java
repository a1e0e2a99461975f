package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedAdamTest {

  @Test
  void shouldFollowTorchAdamAndZeroGradientsWhenTwoSteps() {
    try (NDManager m = NDManager.newBaseManager();
        NamedAdam adam = new NamedAdam(m, 0.5, 0.999)) {
      NDArray w = m.create(new float[] {1f, -2f});
      w.setRequiresGradient(true);
      double[] expected = {1, -2};
      double[] mom = new double[2];
      double[] vel = new double[2];
      for (int t = 1; t <= 2; t++) {
        // loss = sum(w^2 * c) with c = (3, 0.5): gradient 2 c w
        double[] c = {3, 0.5};
        double[] g = {2 * c[0] * expected[0], 2 * c[1] * expected[1]};
        try (GradientCollector gc = Engine.getInstance().newGradientCollector();
            NDManager step = m.newSubManager()) {
          NDArray loss = w.square().mul(step.create(new float[] {3f, 0.5f})).sum();
          gc.backward(loss);
        }
        adam.step(Map.of("w", w), 0.1);
        for (int i = 0; i < 2; i++) {
          mom[i] = 0.5 * mom[i] + 0.5 * g[i];
          vel[i] = 0.999 * vel[i] + 0.001 * g[i] * g[i];
          double denom = Math.sqrt(vel[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
          expected[i] -= 0.1 / (1 - Math.pow(0.5, t)) * mom[i] / denom;
        }
        float[] actual = w.toFloatArray();
        assertThat(actual[0]).isCloseTo((float) expected[0], within(1e-5f));
        assertThat(actual[1]).isCloseTo((float) expected[1], within(1e-5f));
        assertThat(w.getGradient().abs().sum().getFloat()).isZero();
      }
      assertThat(adam.steps()).containsEntry("w", 2L);
      assertThat(adam.firstMoments().get("w").toFloatArray()[0])
          .isCloseTo((float) mom[0], within(1e-4f));
    }
  }

  @Test
  void shouldFollowTorchAdamWhenGradientsAreTinyEnoughForEpsilonToMatter() {
    // With gradients near 1e-9, sqrt(v) / sqrt(1 - b2^t) is of the order of eps: the update
    // depends on where the fused kernel's epsilon is bias-corrected. One parameter is updated on
    // its own (large), two together (small).
    long bigSize = NamedAdam.FLAT_MAX_ELEMENTS + 1;
    float[][] init = {{0.5f, -0.25f}, {1f}, new float[(int) bigSize]};
    java.util.Arrays.fill(init[2], 0.75f);
    float scale = 1e-9f;
    try (NDManager m = NDManager.newBaseManager();
        NamedAdam adam = new NamedAdam(m, 0.5, 0.999)) {
      Map<String, NDArray> params = new java.util.LinkedHashMap<>();
      String[] names = {"a", "b", "big"};
      double[][] expected = new double[3][];
      double[][] mom = new double[3][];
      double[][] vel = new double[3][];
      for (int p = 0; p < 3; p++) {
        NDArray w = m.create(init[p]).duplicate();
        w.setRequiresGradient(true);
        params.put(names[p], w);
        expected[p] = new double[init[p].length];
        for (int i = 0; i < init[p].length; i++) {
          expected[p][i] = init[p][i];
        }
        mom[p] = new double[init[p].length];
        vel[p] = new double[init[p].length];
      }
      for (int t = 1; t <= 3; t++) {
        // loss = scale * sum(w^2) over all: gradient 2 scale w
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray loss = null;
          for (NDArray w : params.values()) {
            NDArray term = w.square().sum();
            loss = loss == null ? term : loss.add(term);
          }
          gc.backward(loss.mul(m.create(scale)));
        }
        adam.step(params, 0.01);
        for (int p = 0; p < 3; p++) {
          float[] actual = params.get(names[p]).toFloatArray();
          for (int i = 0; i < expected[p].length; i++) {
            double g = 2 * (double) scale * expected[p][i];
            mom[p][i] = 0.5 * mom[p][i] + 0.5 * g;
            vel[p][i] = 0.999 * vel[p][i] + 0.001 * g * g;
            double denom = Math.sqrt(vel[p][i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
            expected[p][i] -= 0.01 / (1 - Math.pow(0.5, t)) * mom[p][i] / denom;
          }
          for (int i = 0; i < Math.min(4, expected[p].length); i++) {
            assertThat(actual[i])
                .as("%s[%d] after step %d", names[p], i, t)
                .isCloseTo((float) expected[p][i], within(2e-6f));
          }
        }
      }
      assertThat(adam.steps()).containsEntry("a", 3L).containsEntry("big", 3L);
      assertThat(adam.firstMoments().get("b").toFloatArray()[0])
          .isCloseTo((float) mom[1][0], within(1e-12f));
    }
  }
}
