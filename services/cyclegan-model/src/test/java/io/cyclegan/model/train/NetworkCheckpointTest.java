package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkpoints of the architectures {@link NetworkSpec} adds: batch norm's running statistics train,
 * are saved under their state_dict names and come back on resume; another architecture is refused
 * naming the difference.
 */
class NetworkCheckpointTest {

  private static final CycleGanConfig CONFIG =
      CycleGanConfig.fromParams(
          Map.of("imageSize", 32, "ngf", 2, "ndf", 2, "generatorBlocks", 1, "device", "cpu"));

  @ParameterizedTest
  @CsvSource({"resnet_6blocks, n_layers, false, 32", "unet_128, pixel, true, 128"})
  void shouldRestoreRunningStatisticsWhenResumed(
      String generator, String discriminator, boolean dropout, int size) throws Exception {
    NetworkSpec spec = spec(generator, discriminator, dropout, Norm.BATCH);
    try (NDManager m = NDManager.newBaseManager();
        CycleGanModel model = new CycleGanModel(m, CONFIG, spec)) {
      Map<String, float[]> initial = snapshot(model.generatorBuffers());
      try (NDManager step = m.newSubManager()) {
        NDArray a = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
        NDArray b = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
        model.trainStep(step, a, b, 0.0002, false);
      }
      assertThat(model.generatorBuffers())
          .containsKey(
              spec.generator().isResnet()
                  ? "G_A/model.2.running_mean"
                  : "G_A/model.model.1.model.2.running_mean");
      assertThat(model.discriminatorBuffers()).isNotEmpty();
      Map<String, float[]> trained = snapshot(model.generatorBuffers());
      assertThat(trained.get(first(trained))).isNotEqualTo(initial.get(first(trained)));

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrainingCheckpoint.write(out, model, new TrainingCheckpoint.Position(0, 1, 1));
      CycleGanConfig otherSeed =
          CycleGanConfig.fromParams(
              Map.of(
                  "imageSize",
                  32,
                  "ngf",
                  2,
                  "ndf",
                  2,
                  "generatorBlocks",
                  1,
                  "device",
                  "cpu",
                  "seed",
                  99));
      try (CycleGanModel resumed = new CycleGanModel(m, otherSeed, spec)) {
        TrainingCheckpoint.read(new ByteArrayInputStream(out.toByteArray()), resumed);
        assertEqual(resumed.generatorBuffers(), model.generatorBuffers());
        assertEqual(resumed.discriminatorBuffers(), model.discriminatorBuffers());
        assertEqual(resumed.generatorParameters(), model.generatorParameters());
        assertEqual(resumed.discriminatorParameters(), model.discriminatorParameters());
      }
    }
  }

  @Test
  void shouldRefuseAResumeWithAnotherNetworkNamingTheDifference() throws Exception {
    NetworkSpec batch = spec("resnet_6blocks", "basic", false, Norm.BATCH);
    NetworkSpec instance = spec("resnet_6blocks", "basic", true, Norm.INSTANCE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (NDManager m = NDManager.newBaseManager()) {
      try (CycleGanModel model = new CycleGanModel(m, CONFIG, batch)) {
        TrainingCheckpoint.write(out, model, new TrainingCheckpoint.Position(0, 0, 0));
      }
      try (CycleGanModel other = new CycleGanModel(m, CONFIG, instance)) {
        assertThatThrownBy(
                () -> TrainingCheckpoint.read(new ByteArrayInputStream(out.toByteArray()), other))
            .isInstanceOf(IncompatibleCheckpointException.class)
            .hasMessage(
                "checkpoint architecture differs from the requested one: norm: checkpoint batch,"
                    + " requested instance; dropout: checkpoint false, requested true");
      }
    }
  }

  @Test
  void shouldResumeTodaysDefaultNetworkWithTheConfigOnlyConstructor() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (NDManager m = NDManager.newBaseManager()) {
      try (CycleGanModel model = new CycleGanModel(m, CONFIG)) {
        assertThat(model.generatorBuffers()).isEmpty();
        TrainingCheckpoint.write(out, model, new TrainingCheckpoint.Position(0, 0, 0));
      }
      try (CycleGanModel same = new CycleGanModel(m, CONFIG, NetworkSpec.of(CONFIG))) {
        TrainingCheckpoint.read(new ByteArrayInputStream(out.toByteArray()), same);
      }
    }
  }

  private static NetworkSpec spec(
      String generator, String discriminator, boolean dropout, Norm norm) {
    return NetworkSpec.builder()
        .optGenerator(NetworkSpec.Generator.fromWireName(generator))
        .optGeneratorBlocks(1)
        .optDiscriminator(NetworkSpec.Discriminator.fromWireName(discriminator))
        .optDiscriminatorLayers(2)
        .optNorm(norm)
        .optDropout(dropout)
        .optNgf(2)
        .optNdf(2)
        .build();
  }

  private static String first(Map<String, float[]> m) {
    return m.keySet().iterator().next();
  }

  private static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private static void assertEqual(Map<String, NDArray> actual, Map<String, NDArray> expected) {
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach(
        (k, v) -> assertThat(actual.get(k).toFloatArray()).as(k).containsExactly(v.toFloatArray()));
  }
}
