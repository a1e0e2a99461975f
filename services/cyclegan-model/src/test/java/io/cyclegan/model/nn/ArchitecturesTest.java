package io.cyclegan.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.nn.NetworkSpec.Discriminator;
import io.cyclegan.model.nn.NetworkSpec.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The architectures of {@link NetworkSpec}: parameter counts equal to the official code's (printed
 * by scripts/interop/make_arch_fixtures.py), gradients reaching every parameter, batch norm and
 * dropout in training and eval mode, and validation. Numerical parity with PyTorch is in {@code
 * interop.ArchitectureParityTest}.
 */
class ArchitecturesTest {

  @ParameterizedTest
  @CsvSource({
    "resnet_9blocks, instance, false, 3, 3, 11378179",
    "resnet_9blocks, batch, false, 3, 3, 11383427",
    "resnet_9blocks, none, true, 3, 3, 11372931",
    "resnet_6blocks, instance, true, 3, 3, 7837699",
    "resnet_6blocks, batch, true, 3, 3, 7841411",
    "resnet_6blocks, none, false, 3, 3, 7833987",
    "resnet_9blocks, instance, false, 1, 1, 11365633",
    "unet_256, instance, false, 3, 3, 54409603",
    "unet_256, batch, true, 3, 3, 54413955",
    "unet_256, none, false, 3, 3, 54404099",
    "unet_256, batch, false, 1, 1, 54407809",
    "unet_128, instance, true, 3, 3, 41825667",
    "unet_128, batch, false, 3, 3, 41828995",
    "unet_128, none, false, 3, 3, 41821187",
  })
  void shouldHaveTheOfficialParameterCountWhenGenerator(
      String generator, String norm, boolean dropout, int in, int out, long expected) {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(Generator.fromWireName(generator))
            .optNorm(Norm.fromWireName(norm))
            .optDropout(dropout)
            .optInputChannels(in)
            .optOutputChannels(out)
            .build();
    try (NDManager m = NDManager.newBaseManager();
        Network g = NetworkFactory.generator(m, "G", spec)) {
      assertThat(g.parameterCount()).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "basic, 3, instance, 3, 2764737",
    "basic, 3, batch, 3, 2765633",
    "basic, 3, none, 3, 2763841",
    "basic, 3, instance, 1, 2762689",
    "n_layers, 1, instance, 3, 136385",
    "n_layers, 1, batch, 3, 136513",
    "n_layers, 5, instance, 3, 11154369",
    "n_layers, 5, batch, 3, 11156289",
    "n_layers, 5, none, 3, 11152449",
    "pixel, 0, instance, 3, 8705",
    "pixel, 0, batch, 3, 8832",
    "pixel, 0, none, 3, 8576",
    "pixel, 0, batch, 1, 8704",
  })
  void shouldHaveTheOfficialParameterCountWhenDiscriminator(
      String discriminator, int layers, String norm, int in, long expected) {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optDiscriminator(Discriminator.fromWireName(discriminator))
            .optDiscriminatorLayers(layers)
            .optNorm(Norm.fromWireName(norm))
            .optInputChannels(in)
            .build();
    try (NDManager m = NDManager.newBaseManager();
        Network d = NetworkFactory.discriminator(m, "D", spec)) {
      assertThat(d.parameterCount()).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "resnet_6blocks, basic, 2, instance, 32",
    "resnet_6blocks, n_layers, 2, batch, 32",
    "resnet_6blocks, pixel, 0, none, 16",
    "unet_128, basic, 3, batch, 128",
    "unet_128, n_layers, 1, instance, 128",
    "unet_128, pixel, 0, none, 128",
  })
  void shouldGiveEveryParameterAGradientWhenBackward(
      String generator, String discriminator, int layers, String norm, int size) {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(Generator.fromWireName(generator))
            .optGeneratorBlocks(generator.startsWith("resnet") ? 1 : 0)
            .optDiscriminator(Discriminator.fromWireName(discriminator))
            .optDiscriminatorLayers(layers)
            .optNorm(Norm.fromWireName(norm))
            .optDropout(true)
            .optInputChannels(1)
            .optNgf(2)
            .optNdf(2)
            .build();
    try (NDManager m = NDManager.newBaseManager();
        Network g = NetworkFactory.generatorA(m, "G_A", spec);
        Network d = NetworkFactory.discriminatorA(m, "D_A", spec)) {
      g.initialize(1);
      d.initialize(2);
      g.setTrainable(true);
      d.setTrainable(true);
      NDArray x = m.randomUniform(-1, 1, new Shape(2, 1, size, size));
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray fake = g.forward(x);
        assertThat(fake.getShape()).isEqualTo(new Shape(2, 3, size, size));
        NDArray score = d.forward(fake);
        collector.backward(score.mul(m.randomUniform(-1, 1, score.getShape())).sum());
      }
      List<String> without = new ArrayList<>();
      for (Network n : List.of(g, d)) {
        for (Map.Entry<String, NDArray> p : n.parameters().entrySet()) {
          // A bias right before an instance norm is cancelled by it, in the reference too.
          boolean cancelled = norm.equals("instance") && p.getKey().endsWith(".bias");
          float magnitude = p.getValue().getGradient().abs().sum().getFloat();
          if (!cancelled && !(magnitude > 0)) {
            without.add(n.manager().getName() + "/" + p.getKey());
          }
        }
      }
      assertThat(without).as("parameters without a gradient").isEmpty();
    }
  }

  @Test
  void shouldUpdateRunningStatisticsOnlyInTrainingMode() {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optDiscriminator(Discriminator.PIXEL)
            .optNorm(Norm.BATCH)
            .optNdf(4)
            .build();
    try (NDManager m = NDManager.newBaseManager();
        Network d = NetworkFactory.discriminator(m, "D", spec)) {
      d.initialize(3);
      assertThat(d.buffers())
          .containsOnlyKeys("net.3.running_mean", "net.3.running_var", "net.3.num_batches_tracked");
      NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 8, 8));
      float[] mean0 = d.buffers().get("net.3.running_mean").toFloatArray();

      d.setTraining(false);
      NDArray eval1 = GradMode.withoutGradients(() -> d.forward(x));
      assertThat(d.buffers().get("net.3.running_mean").toFloatArray()).containsExactly(mean0);
      assertThat(d.buffers().get("net.3.num_batches_tracked").getFloat()).isZero();

      d.setTraining(true);
      NDArray train = GradMode.withoutGradients(() -> d.forward(x));
      assertThat(d.buffers().get("net.3.running_mean").toFloatArray()).isNotEqualTo(mean0);
      assertThat(d.buffers().get("net.3.num_batches_tracked").getFloat()).isEqualTo(1f);
      assertThat(train.toFloatArray()).isNotEqualTo(eval1.toFloatArray());

      d.setTraining(false);
      NDArray eval2 = GradMode.withoutGradients(() -> d.forward(x));
      assertThat(eval2.toFloatArray()).isNotEqualTo(eval1.toFloatArray());
    }
  }

  @Test
  void shouldInitializeBatchNormScalesAroundOne() {
    NetworkSpec spec = NetworkSpec.builder().optNorm(Norm.BATCH).optNgf(8).build();
    try (NDManager m = NDManager.newBaseManager();
        Network g = NetworkFactory.generator(m, "G", spec)) {
      g.initialize(5);
      float[] scale = g.parameters().get("model.2.weight").toFloatArray();
      float[] conv = g.parameters().get("model.1.weight").toFloatArray();
      assertThat(mean(scale)).isBetween(0.95, 1.05);
      assertThat(Math.abs(mean(conv))).isLessThan(0.01);
      assertThat(g.buffers().get("model.2.running_var").toFloatArray()).containsOnly(1f);
    }
  }

  @ParameterizedTest
  @CsvSource({"resnet_6blocks, 16", "unet_128, 128"})
  void shouldDropOnlyInTrainingModeWhenDropout(String generator, int size) {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(Generator.fromWireName(generator))
            .optGeneratorBlocks(1)
            .optDropout(true)
            .optNgf(2)
            .build();
    try (NDManager m = NDManager.newBaseManager();
        Network g = NetworkFactory.generator(m, "G", spec)) {
      g.initialize(7);
      NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, size, size));
      g.setTraining(false);
      float[] eval1 = GradMode.withoutGradients(() -> g.forward(x).toFloatArray());
      float[] eval2 = GradMode.withoutGradients(() -> g.forward(x).toFloatArray());
      assertThat(eval2).containsExactly(eval1);
      g.setTraining(true);
      float[] train1 = GradMode.withoutGradients(() -> g.forward(x).toFloatArray());
      float[] train2 = GradMode.withoutGradients(() -> g.forward(x).toFloatArray());
      assertThat(train1).isNotEqualTo(train2);
    }
  }

  @Test
  void shouldMapChannelsAsTheReferenceWhenGrayscaleToColour() {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGeneratorBlocks(1)
            .optInputChannels(1)
            .optOutputChannels(3)
            .optNgf(2)
            .optNdf(2)
            .build();
    try (NDManager m = NDManager.newBaseManager();
        Network ga = NetworkFactory.generatorA(m, "G_A", spec);
        Network gb = NetworkFactory.generatorB(m, "G_B", spec);
        Network da = NetworkFactory.discriminatorA(m, "D_A", spec);
        Network db = NetworkFactory.discriminatorB(m, "D_B", spec)) {
      assertThat(ga.parameters().get("model.1.weight").getShape().get(1)).isEqualTo(1);
      assertThat(gb.parameters().get("model.1.weight").getShape().get(1)).isEqualTo(3);
      assertThat(da.parameters().get("model.0.weight").getShape().get(1)).isEqualTo(3);
      assertThat(db.parameters().get("model.0.weight").getShape().get(1)).isEqualTo(1);
    }
  }

  @Test
  void shouldDescribeTodaysConfigurationAsTheReferenceDefaults() {
    assertThat(NetworkSpec.of(CycleGanConfig.defaults())).isEqualTo(NetworkSpec.defaults());
    NetworkSpec small = NetworkSpec.of(CycleGanConfig.fromParams(Map.of("imageSize", 64)));
    assertThat(small.generator()).isEqualTo(Generator.RESNET_6BLOCKS);
    assertThat(small.generatorBlocks()).isEqualTo(6);
  }

  @Test
  void shouldNormaliseFieldsAChoiceDoesNotUse() {
    NetworkSpec unet =
        NetworkSpec.builder()
            .optGenerator(Generator.UNET_256)
            .optGeneratorBlocks(9)
            .optDiscriminator(Discriminator.PIXEL)
            .optDiscriminatorLayers(5)
            .build();
    assertThat(unet.generatorBlocks()).isZero();
    assertThat(unet.discriminatorLayers()).isZero();
    assertThat(unet.generatorSizeMultiple()).isEqualTo(256);
    assertThat(NetworkSpec.builder().optDiscriminatorLayers(5).build().discriminatorLayers())
        .isEqualTo(3);
  }

  @Test
  void shouldNameTheResnetByItsBlocksAsConfigHeaderAndImportDo() {
    assertThat(Generator.resnetFor(6)).isEqualTo(Generator.RESNET_6BLOCKS);
    assertThat(List.of(0, 3, 9, 12).stream().map(Generator::resnetFor).distinct())
        .containsExactly(Generator.RESNET_9BLOCKS);
    assertThat(CycleGanConfig.fromParams(Map.of("generatorBlocks", 6)).generator())
        .isEqualTo(Generator.RESNET_6BLOCKS);
    assertThat(CycleGanConfig.fromParams(Map.of("generatorBlocks", 4)).generator())
        .isEqualTo(Generator.RESNET_9BLOCKS);
  }

  @Test
  void shouldExchangeOnlyTheChannelsWhenReversed() {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(Generator.UNET_128)
            .optDiscriminator(Discriminator.N_LAYERS)
            .optDiscriminatorLayers(4)
            .optNorm(Norm.BATCH)
            .optDropout(true)
            .optInputChannels(1)
            .optOutputChannels(3)
            .optNgf(8)
            .optNdf(16)
            .build();

    NetworkSpec back = spec.reversed();

    assertThat(back.inputChannels()).isEqualTo(3);
    assertThat(back.outputChannels()).isEqualTo(1);
    assertThat(back)
        .usingRecursiveComparison()
        .ignoringFields("inputChannels", "outputChannels")
        .isEqualTo(spec);
    assertThat(back.reversed()).isEqualTo(spec);
    assertThat(NetworkSpec.defaults().reversed()).isEqualTo(NetworkSpec.defaults());
  }

  @Test
  void shouldRefuseBadChoicesNamingTheField() {
    assertThatThrownBy(() -> NetworkSpec.builder().optInputChannels(2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inputChannels must be 1 or 3, was 2");
    assertThatThrownBy(() -> NetworkSpec.builder().optOutputChannels(4).build())
        .hasMessage("outputChannels must be 1 or 3, was 4");
    assertThatThrownBy(
            () ->
                NetworkSpec.builder()
                    .optDiscriminator(Discriminator.N_LAYERS)
                    .optDiscriminatorLayers(0)
                    .build())
        .hasMessage("discriminatorLayers must be in [1, 8], was 0");
    assertThatThrownBy(() -> NetworkSpec.builder().optGeneratorBlocks(-1).build())
        .hasMessage("generatorBlocks must be in [0, 64], was -1");
    assertThatThrownBy(() -> Generator.fromWireName("unet_512"))
        .hasMessage(
            "generator must be one of [resnet_9blocks, resnet_6blocks, unet_256, unet_128], was"
                + " unet_512");
    assertThatThrownBy(() -> Norm.fromWireName("group"))
        .hasMessage("norm must be one of [instance, batch, none], was group");
    assertThatThrownBy(() -> Discriminator.fromWireName("patch"))
        .hasMessage("discriminator must be one of [basic, n_layers, pixel], was patch");
  }

  @Test
  void shouldRefuseAUnetInputThatDoesNotHalveEvenly() {
    NetworkSpec spec = NetworkSpec.builder().optGenerator(Generator.UNET_128).optNgf(1).build();
    try (NDManager m = NDManager.newBaseManager();
        Network g = NetworkFactory.generator(m, "G", spec)) {
      NDArray x = m.zeros(new Shape(1, 3, 128, 96));
      assertThatThrownBy(() -> g.forward(x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "a U-Net with 7 downsamplings needs edges that are multiples of 128, got 96x128");
    }
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
