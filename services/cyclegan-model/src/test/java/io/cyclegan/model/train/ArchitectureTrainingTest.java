package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A CycleGAN step with each generator, discriminator and norm: finite losses, every network
 * updated, and nothing left behind in the networks' managers (a step's tensors die with it).
 */
class ArchitectureTrainingTest {

  private static final CycleGanConfig CONFIG =
      CycleGanConfig.fromParams(Map.of("imageSize", 32, "ngf", 2, "ndf", 2, "device", "cpu"));

  @ParameterizedTest
  @CsvSource({
    "resnet_6blocks, basic, batch, true, 32",
    "resnet_9blocks, pixel, none, false, 32",
    "unet_128, n_layers, instance, true, 128",
    "unet_128, pixel, batch, false, 128",
  })
  void shouldTrainEveryNetworkWithoutLeavingArraysBehind(
      String generator, String discriminator, String norm, boolean dropout, int size) {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(NetworkSpec.Generator.fromWireName(generator))
            .optGeneratorBlocks(1)
            .optDiscriminator(NetworkSpec.Discriminator.fromWireName(discriminator))
            .optDiscriminatorLayers(2)
            .optNorm(Norm.fromWireName(norm))
            .optDropout(dropout)
            .optNgf(2)
            .optNdf(2)
            .build();
    try (NDManager m = NDManager.newBaseManager();
        CycleGanModel model = new CycleGanModel(m, CONFIG, spec)) {
      List<Network> networks =
          List.of(
              model.generatorA(),
              model.generatorB(),
              model.discriminatorA(),
              model.discriminatorB());
      List<float[]> before = new ArrayList<>();
      for (Network n : networks) {
        before.add(n.parameters().values().iterator().next().toFloatArray());
      }
      List<Integer> counts = null;
      for (int i = 0; i < 3; i++) {
        try (NDManager step = m.newSubManager()) {
          NDArray a = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
          NDArray b = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
          LossValues losses = model.trainStep(step, a, b, 0.0002, true);
          assertThat(losses.toMap().values()).allMatch(v -> Float.isFinite(v.floatValue()));
        }
        List<Integer> now = new ArrayList<>();
        for (Network n : networks) {
          now.add(n.manager().getManagedArrays().size());
        }
        if (counts != null) {
          assertThat(now).as("arrays held by G_A, G_B, D_A, D_B after step " + i).isEqualTo(counts);
        }
        counts = now;
      }
      for (int i = 0; i < networks.size(); i++) {
        float[] after = networks.get(i).parameters().values().iterator().next().toFloatArray();
        assertThat(after).as("first parameter of network " + i).isNotEqualTo(before.get(i));
      }
    }
  }
}
