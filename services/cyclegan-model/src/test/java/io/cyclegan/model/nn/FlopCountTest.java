package io.cyclegan.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.interop.OfficialLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlopCountTest {

  @Test
  void shouldMatchDesignFiguresWhenReferenceArchitectures() {
    // DESIGN.md: 49.6 GMAC forward at 256 px / 9 blocks, 1.9 TFLOP a step; 2.2 GMAC and
    // 84 GFLOP at 64 px / 6 blocks.
    assertThat(FlopCount.generatorForwardMacs(256, 9, 64) / 1e9).isCloseTo(49.6, within(0.1));
    assertThat(FlopCount.trainingStepFlops(256, 9, 64, 64, true) / 1e12)
        .isCloseTo(1.9, within(0.05));
    assertThat(FlopCount.generatorForwardMacs(64, 6, 64) / 1e9).isCloseTo(2.2, within(0.05));
    assertThat(FlopCount.trainingStepFlops(64, 6, 64, 64, true) / 1e9).isCloseTo(84.0, within(1.0));
  }

  @Test
  void shouldCountAConfigsBatchAndLeaveOutTheIdentityPassesWhenItsWeightIsZero() {
    CycleGanConfig demo =
        CycleGanConfig.builder()
            .optImageSize(32)
            .optLoadSize(36)
            .optGeneratorBlocks(2)
            .optNgf(8)
            .optNdf(8)
            .build();
    double one = FlopCount.trainingStepFlops(32, 2, 8, 8, true);

    assertThat(FlopCount.trainingStepFlops(demo)).isEqualTo(one);
    assertThat(FlopCount.trainingStepFlops(demo.toBuilder().optBatchSize(4).build()))
        .isEqualTo(4 * one);
    assertThat(FlopCount.trainingStepFlops(demo.toBuilder().optLambdaIdentity(0).build()))
        .isEqualTo(FlopCount.trainingStepFlops(32, 2, 8, 8, false))
        .isLessThan(one);
  }

  @Test
  void shouldCountPatchGanLayersWhenSmallImage() {
    // 32 px, ndf 1: 16x16x3x1, 8x8x1x2, 4x4x2x4, 3x3x4x8, 2x2x8x1, each x 16 taps.
    long expected = 16 * (16 * 16 * 3 + 8 * 8 * 2 + 4 * 4 * 8 + 3 * 3 * 32 + 2 * 2 * 8);
    assertThat(FlopCount.discriminatorForwardMacs(32, 1)).isEqualTo(expected);
  }

  @Test
  void shouldKeepTheResnetFiguresWhenGivenTheDefaultSpec() {
    NetworkSpec spec = NetworkSpec.defaults();
    assertThat(FlopCount.generatorForwardMacs(256, spec))
        .isEqualTo(FlopCount.generatorForwardMacs(256, 9, 64));
    assertThat(FlopCount.discriminatorForwardMacs(256, spec))
        .isEqualTo(FlopCount.discriminatorForwardMacs(256, 64));
    assertThat(FlopCount.trainingStepFlops(256, spec, true))
        .isEqualTo(FlopCount.trainingStepFlops(256, 9, 64, 64, true));
  }

  @Test
  void shouldCountEveryUnetConvolutionAtItsResolution() {
    // Independently of FlopCount's walk: every 4-D weight of the official layout, at level l
    // (its key nests l + 1 "model." below the top), works on (size / 2^(l+1))^2 pixels: the
    // output of the down convolution, the input of the transposed one.
    for (NetworkSpec.Generator g :
        List.of(NetworkSpec.Generator.UNET_128, NetworkSpec.Generator.UNET_256)) {
      NetworkSpec spec =
          NetworkSpec.builder().optGenerator(g).optInputChannels(1).optNgf(3).build();
      int size = 512;
      long expected = 0;
      for (Map.Entry<String, long[]> e : OfficialLayout.generator(spec).entrySet()) {
        long[] s = e.getValue();
        if (s.length == 4) {
          int level = e.getKey().split("model\\.", -1).length - 3;
          long side = size >> (level + 1);
          expected += s[0] * s[1] * s[2] * s[3] * side * side;
        }
      }
      assertThat(FlopCount.generatorForwardMacs(size, spec)).as(g.wireName()).isEqualTo(expected);
    }
  }

  @Test
  void shouldCountNLayersAndPixelDiscriminators() {
    NetworkSpec pixel =
        NetworkSpec.builder()
            .optDiscriminator(NetworkSpec.Discriminator.PIXEL)
            .optInputChannels(1)
            .optNdf(4)
            .build();
    // 1x1 convolutions 1 -> 4 -> 8 -> 1 on 8x8 pixels.
    assertThat(FlopCount.discriminatorForwardMacs(8, pixel)).isEqualTo(64 * (4 + 32 + 8));
    NetworkSpec one =
        NetworkSpec.builder()
            .optDiscriminator(NetworkSpec.Discriminator.N_LAYERS)
            .optDiscriminatorLayers(1)
            .optNdf(1)
            .build();
    // 32 px: 16x16x3x1 (stride 2), 15x15x1x2 (stride 1), 14x14x2x1, each x 16 taps.
    assertThat(FlopCount.discriminatorForwardMacs(32, one))
        .isEqualTo(16 * (16 * 16 * 3 + 15 * 15 * 2 + 14 * 14 * 2));
  }
}
