package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.CycleGanConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CycleGanModelTest {

  private static final CycleGanConfig TINY =
      CycleGanConfig.builder()
          .optImageSize(32)
          .optNgf(4)
          .optNdf(4)
          .optGeneratorBlocks(1)
          .optDevice("cpu")
          .build();

  private static Map<String, float[]> snapshot(Map<String, NDArray> params) {
    Map<String, float[]> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private static boolean allEqual(Map<String, float[]> a, Map<String, NDArray> b) {
    return a.entrySet().stream()
        .allMatch(e -> java.util.Arrays.equals(e.getValue(), b.get(e.getKey()).toFloatArray()));
  }

  @Test
  void shouldLeaveDiscriminatorsUnchangedWhenGeneratorUpdate() {
    try (NDManager m = NDManager.newBaseManager();
        CycleGanModel model = new CycleGanModel(m, TINY)) {
      for (int i = 0; i < 3; i++) {
        try (NDManager step = m.newSubManager()) {
          NDArray a = step.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
          NDArray b = step.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
          Map<String, float[]> d = snapshot(model.discriminatorParameters());
          Map<String, float[]> g = snapshot(model.generatorParameters());
          CycleGanModel.GeneratorStep gs = model.generatorStep(step, a, b, 0.01);

          assertThat(allEqual(d, model.discriminatorParameters())).isTrue();
          assertThat(allEqual(g, model.generatorParameters())).isFalse();
          // Frozen means no gradient reached them either (the engine would keep it).
          for (NDArray p : model.discriminatorParameters().values()) {
            assertThat(p.getGradient().abs().sum().getFloat()).isZero();
          }

          Map<String, float[]> g2 = snapshot(model.generatorParameters());
          model.discriminatorStep(step, a, b, gs, 0.01);
          assertThat(allEqual(g2, model.generatorParameters()))
              .as("pooled fakes are detached: the D update leaves G alone")
              .isTrue();
          assertThat(allEqual(d, model.discriminatorParameters())).isFalse();
        }
      }
    }
  }

  @Test
  void shouldSkipIdentityForwardsWhenLambdaIdentityZero() {
    CycleGanConfig config = TINY.toBuilder().optLambdaIdentity(0).build();
    try (NDManager m = NDManager.newBaseManager();
        CycleGanModel model = new CycleGanModel(m, config);
        NDManager step = m.newSubManager()) {
      NDArray a = step.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
      NDArray b = step.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
      LossValues losses = model.trainStep(step, a, b, 0.0002, true);
      assertThat(losses.idtA()).isZero();
      assertThat(losses.idtB()).isZero();
      assertThat(losses.cycleA()).isPositive();
      assertThat(losses.toMap())
          .containsOnlyKeys("D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B");
    }
  }
}
