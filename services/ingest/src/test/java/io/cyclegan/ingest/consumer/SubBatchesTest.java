package io.cyclegan.ingest.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class SubBatchesTest {
  private static final ToLongFunction<Long> SELF = Long::longValue;

  @Test
  void shouldKeepABatchWholeWhenItFitsUnderTheBound() {
    assertThat(SubBatches.split(List.of(10L, 20L, 30L), SELF, 60))
        .containsExactly(List.of(10L, 20L, 30L));
  }

  @Test
  void shouldSplitWhenTheNextItemWouldGoOverTheBound() {
    assertThat(SubBatches.split(List.of(10L, 20L, 30L, 5L, 40L), SELF, 40))
        .containsExactly(List.of(10L, 20L), List.of(30L, 5L), List.of(40L));
  }

  @Test
  void shouldSendAnItemOverTheBoundAloneAndGoOnAfterIt() {
    assertThat(SubBatches.split(List.of(10L, 100L, 10L, 10L), SELF, 50))
        .containsExactly(List.of(10L), List.of(100L), List.of(10L, 10L));
    assertThat(SubBatches.split(List.of(100L, 200L), SELF, 50))
        .containsExactly(List.of(100L), List.of(200L));
  }

  @Test
  void shouldNotSplitItemsThatAreNeverDecoded() {
    assertThat(SubBatches.split(List.of(0L, 0L, 50L, 0L, 0L), SELF, 50))
        .containsExactly(List.of(0L, 0L, 50L, 0L, 0L));
  }

  @Test
  void shouldReturnNothingForNothing() {
    assertThat(SubBatches.split(List.<Long>of(), SELF, 1)).isEmpty();
  }

  @Test
  void shouldNeverGoOverTheBoundAndKeepEveryItemInOrderForRandomBatches() {
    Random random = new Random(42);
    for (int run = 0; run < 1000; run++) {
      long bound = 1 + random.nextInt(1000);
      List<Long> items = new ArrayList<>();
      for (int i = random.nextInt(50); i > 0; i--) {
        items.add((long) random.nextInt((int) (bound * 2)));
      }

      List<List<Long>> split = SubBatches.split(items, SELF, bound);

      assertThat(split.stream().flatMap(List::stream).toList()).isEqualTo(items);
      assertThat(split)
          .allSatisfy(
              sub -> {
                assertThat(sub).isNotEmpty();
                if (sub.size() > 1) {
                  assertThat(sub.stream().mapToLong(Long::longValue).sum())
                      .isLessThanOrEqualTo(bound);
                }
              });
      // Greedy: each sub-batch is cut only when the next item would not fit.
      for (int i = 0; i + 1 < split.size(); i++) {
        long held = split.get(i).stream().mapToLong(Long::longValue).sum();
        assertThat(held + split.get(i + 1).get(0)).isGreaterThan(bound);
      }
    }
  }

  @Test
  void shouldRefuseABoundThatIsNotPositive() {
    assertThatThrownBy(() -> SubBatches.split(List.of(1L), SELF, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
