package io.cyclegan.training.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.Env;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.nn.NetworkSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParamBoundsTest {
  private static final long GIB = 1L << 30;

  /** The defaults, with a 16 GiB budget (a common GPU, or a modest node). */
  private static final ParamBounds BOUNDS =
      ParamBounds.fromEnv(new Env(Map.of("CYCLEGAN_TRAINING_MEMORY_BUDGET_MB", "16384")));

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void shouldAcceptTheReferenceConfigWhenBatchIsOneToFour(int batchSize) {
    CycleGanConfig reference = CycleGanConfig.builder().optBatchSize(batchSize).build();

    assertThatCode(() -> BOUNDS.check(reference)).doesNotThrowAnyException();
  }

  @Test
  void shouldNameBoundAndVariableWhenNgfIs2048() {
    CycleGanConfig wide = CycleGanConfig.builder().optNgf(2048).build();

    assertThatThrownBy(() -> BOUNDS.check(wide))
        .isInstanceOf(ParamBoundException.class)
        .hasMessageContaining("ngf 2048")
        .hasMessageContaining("bound of 256")
        .hasMessageContaining("CYCLEGAN_TRAINING_MAX_WIDTH");
  }

  @Test
  void shouldNameBoundAndVariableWhenImageSizeIs8192() {
    CycleGanConfig huge = CycleGanConfig.builder().optImageSize(8192).build();

    assertThatThrownBy(() -> BOUNDS.check(huge))
        .hasMessageContaining("imageSize 8192")
        .hasMessageContaining("CYCLEGAN_TRAINING_MAX_IMAGE_SIZE");
  }

  @Test
  void shouldNameMemoryBudgetWhenEstimateExceedsIt() {
    CycleGanConfig heavy = CycleGanConfig.builder().optImageSize(512).optBatchSize(16).build();

    assertThatThrownBy(() -> BOUNDS.check(heavy))
        .hasMessageContaining("activation memory")
        .hasMessageContaining("bound of 16384 MiB")
        .hasMessageContaining("CYCLEGAN_TRAINING_MEMORY_BUDGET_MB");
  }

  @Test
  void shouldEstimateAUnetAsTheUnetItIsWhenItExceedsTheBudget() {
    CycleGanConfig unet =
        CycleGanConfig.builder()
            .optGenerator(NetworkSpec.Generator.UNET_256)
            .optDiscriminator(NetworkSpec.Discriminator.PIXEL)
            .build();
    ParamBounds tight =
        new ParamBounds(
            ParamBounds.DEFAULT_MAX_IMAGE_SIZE,
            ParamBounds.DEFAULT_MAX_WIDTH,
            ParamBounds.DEFAULT_MAX_BLOCKS,
            ParamBounds.DEFAULT_MAX_BATCH_SIZE,
            new MemoryBudget(1, "gpu"));
    long unetMib = mib(ActivationMemory.estimateBytes(unet, NetworkSpec.of(unet)));
    // Far from any ResNet's: the two unet_256 generators hold 54M parameters each.
    assertThat(unetMib)
        .isNotEqualTo(mib(ActivationMemory.estimateBytes(CycleGanConfig.defaults())));

    assertThatThrownBy(() -> tight.check(unet))
        .isInstanceOf(ParamBoundException.class)
        .hasMessage(
            "params need an estimated "
                + unetMib
                + " MiB of activation memory (imageSize 256, batchSize 1, generator unet_256,"
                + " ngf 64, discriminator pixel, ndf 64), above this worker's bound of 1 MiB"
                + " (CYCLEGAN_TRAINING_MEMORY_BUDGET_MB)");
  }

  @Test
  void shouldEstimateTheOrderOfTheReferenceWhenDefaultsAreUsed() {
    long bytes = ActivationMemory.estimateBytes(CycleGanConfig.defaults());

    // The reference implementation trains 256 px, batch 1 in a few GiB of GPU memory.
    assertThat(bytes).isBetween(2 * GIB, 4 * GIB);
    assertThat(ActivationMemory.estimateBytes(CycleGanConfig.builder().optBatchSize(4).build()))
        .isBetween(3 * bytes, 4 * bytes);
  }

  @Test
  void shouldUseTheVariableWhenBudgetIsConfigured() {
    MemoryBudget budget = new MemoryBudget(512, "gpu");

    assertThat(budget.bytes()).isEqualTo(512L << 20);
    assertThat(budget.describe()).isEqualTo("CYCLEGAN_TRAINING_MEMORY_BUDGET_MB");
  }

  @Test
  void shouldUseHostMemoryLessHeapWhenDeviceIsCpu() {
    MemoryBudget budget = new MemoryBudget(0, "cpu");

    assertThat(budget.bytes()).isPositive();
    assertThat(budget.describe()).contains("host memory", "CYCLEGAN_TRAINING_MEMORY_BUDGET_MB");
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
