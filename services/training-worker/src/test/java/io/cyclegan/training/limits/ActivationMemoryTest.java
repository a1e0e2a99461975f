package io.cyclegan.training.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

/** The memory estimate of the {@link NetworkSpec} architectures. */
class ActivationMemoryTest {

  private static final NetworkSpec UNET_256 =
      NetworkSpec.builder().optGenerator(NetworkSpec.Generator.UNET_256).build();

  @Test
  void shouldEstimateTheConfigsNetworkAsItsSpec() {
    CycleGanConfig c = CycleGanConfig.defaults();
    assertThat(ActivationMemory.estimateBytes(c))
        .isEqualTo(ActivationMemory.estimateBytes(c, NetworkSpec.of(c)));
  }

  @Test
  void shouldCountConvOutputsOfEachArchitecture() {
    assertThat(ActivationMemory.generatorUnits(NetworkSpec.defaults())).isEqualTo(7.75);
    // U-Net: down 1/4 + 2/16 + 4/64 + 8/256 + ..., up and skip 3 (1/4 + 2/16 + 4/64 + ...).
    assertThat(ActivationMemory.generatorUnits(UNET_256)).isCloseTo(1.95, within(0.02));
    assertThat(ActivationMemory.discriminatorUnits(NetworkSpec.defaults()))
        .isCloseTo(0.5625, within(1e-9));
    NetworkSpec pixel =
        NetworkSpec.builder().optDiscriminator(NetworkSpec.Discriminator.PIXEL).build();
    assertThat(ActivationMemory.discriminatorUnits(pixel)).isEqualTo(3);
  }

  @Test
  void shouldCountTheUnetsParameters() {
    // 32 px: activations are small; two unet_256 generators of 54,409,603 parameters (weights,
    // gradients, two Adam moments, float32) dominate.
    CycleGanConfig small = CycleGanConfig.builder().optImageSize(32).build();
    long bytes = ActivationMemory.estimateBytes(small, UNET_256);
    assertThat(bytes).isGreaterThan(2L * 54_409_603 * 4 * 4);
    assertThat(bytes).isLessThan(ActivationMemory.estimateBytes(small) + 2L * 54_409_603 * 4 * 4);
  }
}
