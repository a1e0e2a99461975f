package io.cyclegan.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
  void shouldCountPatchGanLayersWhenSmallImage() {
    // 32 px, ndf 1: 16x16x3x1, 8x8x1x2, 4x4x2x4, 3x3x4x8, 2x2x8x1, each x 16 taps.
    long expected = 16 * (16 * 16 * 3 + 8 * 8 * 2 + 4 * 4 * 8 + 3 * 3 * 32 + 2 * 2 * 8);
    assertThat(FlopCount.discriminatorForwardMacs(32, 1)).isEqualTo(expected);
  }
}
