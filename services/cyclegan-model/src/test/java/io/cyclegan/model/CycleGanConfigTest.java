package io.cyclegan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.model.data.Preprocess;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import io.cyclegan.model.train.GanMode;
import io.cyclegan.model.train.InitType;
import io.cyclegan.model.train.LrPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CycleGanConfigTest {

  @Test
  void shouldHaveReferenceDefaultsWhenNothingGiven() {
    CycleGanConfig c = CycleGanConfig.defaults();
    assertThat(c.toParams())
        .containsExactly(
            Map.entry("epochs", 100),
            Map.entry("decayEpochs", 100),
            Map.entry("imageSize", 256),
            Map.entry("loadSize", 286),
            Map.entry("generator", "resnet_9blocks"),
            Map.entry("generatorBlocks", 9),
            Map.entry("ngf", 64),
            Map.entry("discriminator", "basic"),
            Map.entry("discriminatorLayers", 3),
            Map.entry("ndf", 64),
            Map.entry("norm", "instance"),
            Map.entry("dropout", false),
            Map.entry("inputChannels", 3),
            Map.entry("outputChannels", 3),
            Map.entry("lr", 0.0002),
            Map.entry("beta1", 0.5),
            Map.entry("lambdaCycle", 10.0),
            Map.entry("lambdaIdentity", 0.5),
            Map.entry("poolSize", 50),
            Map.entry("batchSize", 1),
            Map.entry("checkpointEvery", 5),
            Map.entry("seed", 0L),
            Map.entry("device", "auto"),
            Map.entry("ganMode", "lsgan"),
            Map.entry("lrPolicy", "linear"),
            Map.entry("lrDecayIters", 50),
            Map.entry("initType", "normal"),
            Map.entry("initGain", 0.02),
            Map.entry("preprocess", "resize_and_crop"),
            Map.entry("flip", true));
  }

  @Test
  void shouldUseSixBlocksAndScaledLoadSizeWhenImageSizeAtMost128() {
    CycleGanConfig c = CycleGanConfig.fromParams(Map.of("imageSize", 128));
    assertThat(c.generatorBlocks()).isEqualTo(6);
    assertThat(c.loadSize()).isEqualTo(143);
    assertThat(
            CycleGanConfig.fromParams(Map.of("imageSize", 64, "generatorBlocks", 9))
                .generatorBlocks())
        .isEqualTo(9);
  }

  @Test
  void shouldLetGeneratorAndGeneratorBlocksDefaultEachOther() {
    CycleGanConfig small = CycleGanConfig.fromParams(Map.of("imageSize", 128));
    assertThat(small.generator()).isEqualTo(NetworkSpec.Generator.RESNET_6BLOCKS);
    CycleGanConfig blocksOnly = CycleGanConfig.fromParams(Map.of("generatorBlocks", 6));
    assertThat(blocksOnly.generator()).isEqualTo(NetworkSpec.Generator.RESNET_6BLOCKS);
    assertThat(CycleGanConfig.fromParams(Map.of("generatorBlocks", 12)).generator())
        .isEqualTo(NetworkSpec.Generator.RESNET_9BLOCKS);
    CycleGanConfig named =
        CycleGanConfig.fromParams(Map.of("imageSize", 64, "generator", "resnet_9blocks"));
    assertThat(named.generatorBlocks()).isEqualTo(9);
    CycleGanConfig free =
        CycleGanConfig.fromParams(Map.of("generator", "resnet_6blocks", "generatorBlocks", 2));
    assertThat(NetworkSpec.of(free).generatorBlocks()).isEqualTo(2);
    CycleGanConfig unet =
        CycleGanConfig.fromParams(Map.of("imageSize", 128, "generator", "unet_128"));
    assertThat(unet.generatorBlocks()).isZero();
    assertThat(NetworkSpec.of(unet).generator()).isEqualTo(NetworkSpec.Generator.UNET_128);
  }

  @Test
  void shouldMapEveryArchitectureParamToTheNetworkSpec() {
    CycleGanConfig c =
        CycleGanConfig.fromParams(
            Map.ofEntries(
                Map.entry("imageSize", 256),
                Map.entry("generator", "unet_256"),
                Map.entry("ngf", 8),
                Map.entry("discriminator", "n_layers"),
                Map.entry("discriminatorLayers", 2),
                Map.entry("ndf", 4),
                Map.entry("norm", "batch"),
                Map.entry("dropout", true),
                Map.entry("inputChannels", 1),
                Map.entry("outputChannels", 3),
                Map.entry("lambdaIdentity", 0)));
    assertThat(NetworkSpec.of(c))
        .isEqualTo(
            new NetworkSpec(
                NetworkSpec.Generator.UNET_256,
                0,
                NetworkSpec.Discriminator.N_LAYERS,
                2,
                Norm.BATCH,
                true,
                1,
                3,
                8,
                4));
    assertThat(CycleGanConfig.fromParams(c.toParams())).isEqualTo(c);
  }

  @Test
  void shouldRefuseArchitecturesThatCannotWork() {
    assertThatThrownBy(
            () -> CycleGanConfig.fromParams(Map.of("imageSize", 128, "generator", "unet_256")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imageSize must be a multiple of 256 for generator unet_256")
        .hasMessageEndingWith("was 128");
    assertThatThrownBy(
            () ->
                CycleGanConfig.fromParams(
                    Map.of("imageSize", 128, "generator", "unet_128", "generatorBlocks", 6)))
        .hasMessageContaining("generator unet_128 has none");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("inputChannels", 2)))
        .hasMessage("inputChannels must be 1 or 3, was 2");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("outputChannels", 1)))
        .hasMessageContaining("lambdaIdentity must be 0, was 0.5");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("norm", "group")))
        .hasMessageContaining("norm")
        .hasMessageContaining("group");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("discriminatorLayers", 9)))
        .hasMessage("discriminatorLayers must be in [1, 8], was 9");
  }

  @Test
  void shouldNameFieldAndValueWhenInvalid() {
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("epochs", -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epochs must be >= 0, was -1");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("imageSize", 250)))
        .hasMessage("imageSize must be a multiple of 4, was 250");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("imageSize", 256, "loadSize", 200)))
        .hasMessage("loadSize must be >= 256, was 200");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("lr", 0)))
        .hasMessage("lr must be > 0, was 0.0");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("device", "tpu")))
        .hasMessage("device must be auto, cpu, gpu or gpu:N, was tpu");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("ngf", 1.5)))
        .hasMessage("ngf must be an integer, was 1.5");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("beta1", "x")))
        .hasMessage("beta1 must be a number, was \"x\"");
  }

  @Test
  void shouldKeepEverySeedBitAndRefuseFractionalSeeds() {
    long big = (1L << 53) + 1; // not representable as a double
    assertThat(CycleGanConfig.fromParams(Map.of("seed", big)).seed()).isEqualTo(big);
    assertThat(CycleGanConfig.fromParams(Map.of("seed", Long.toString(big))).seed()).isEqualTo(big);
    assertThat(CycleGanConfig.fromParams(Map.of("seed", 7.0)).seed()).isEqualTo(7L);
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("seed", 1.5)))
        .hasMessage("seed must be an integer, was 1.5");
  }

  @Test
  void shouldRefuseUnknownParameterByName() {
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("epochz", 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown parameter(s) [epochz]");
  }

  @Test
  void shouldRoundTripWhenToParamsThenFromParams() {
    CycleGanConfig c =
        CycleGanConfig.builder()
            .optImageSize(64)
            .optNgf(16)
            .optSeed(7)
            .optDevice("cuda:1")
            .optGanMode(GanMode.VANILLA)
            .optLrPolicy(LrPolicy.COSINE)
            .optInitType(InitType.ORTHOGONAL)
            .optPreprocess(Preprocess.SCALE_WIDTH_AND_CROP)
            .optFlip(false)
            .build();
    assertThat(CycleGanConfig.fromParams(c.toParams())).isEqualTo(c);
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void shouldReadChoicesByTheirOfficialSpelling() {
    CycleGanConfig c =
        CycleGanConfig.fromParams(
            Map.of(
                "ganMode", "vanilla",
                "lrPolicy", "step",
                "lrDecayIters", 3,
                "initType", "kaiming",
                "initGain", 0.5,
                "preprocess", "scale_width",
                "flip", false));
    assertThat(c.ganMode()).isEqualTo(GanMode.VANILLA);
    assertThat(c.lrPolicy()).isEqualTo(LrPolicy.STEP);
    assertThat(c.lrDecayIters()).isEqualTo(3);
    assertThat(c.initType()).isEqualTo(InitType.KAIMING);
    assertThat(c.initGain()).isEqualTo(0.5);
    assertThat(c.preprocess()).isEqualTo(Preprocess.SCALE_WIDTH);
    assertThat(c.flip()).isFalse();
  }

  @Test
  void shouldRefuseBadChoicesNamingTheAcceptedOnes() {
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("ganMode", "LSGAN")))
        .hasMessage("ganMode must be one of lsgan, vanilla, was \"LSGAN\"");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("flip", "yes")))
        .hasMessage("flip must be true or false, was yes");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("lrDecayIters", 0)))
        .hasMessage("lrDecayIters must be >= 1, was 0");
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("beta1", 1)))
        .hasMessage("beta1 must be in [0, 1), was 1.0");
  }

  @Test
  void shouldRefuseWganGpWithTheReason() {
    assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of("ganMode", "wgangp")))
        .hasMessageContaining("gradient of a gradient")
        .hasMessageContaining("use lsgan or vanilla");
    assertThatThrownBy(() -> CycleGanConfig.builder().optGanMode(GanMode.WGANGP).build())
        .hasMessageContaining("ganMode wgangp is not supported");
  }

  @Test
  void shouldAcceptEveryDeviceSpellingTheSelectorAccepts() {
    for (String device : new String[] {"auto", "CPU", "gpu", "gpu:3", "cuda", "cuda:0"}) {
      assertThat(CycleGanConfig.fromParams(Map.of("device", device)).device()).isEqualTo(device);
    }
  }
}
