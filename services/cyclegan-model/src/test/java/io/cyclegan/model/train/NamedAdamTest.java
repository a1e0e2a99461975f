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
}
