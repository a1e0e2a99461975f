package io.cyclegan.training.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.Env;
import io.cyclegan.model.CycleGanConfig;
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
}
