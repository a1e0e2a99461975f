package io.cyclegan.inference.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatcherTest {
  private static final long MS = 1_000_000L;
  private static final BatchKey A = BatchKey.of("m", "v1", "AtoB", 64, 64);

  @Test
  void shouldReleaseAFullBatchAtOnceWhenMaxBatchRequestsWait() {
    Batcher<Integer> b = new Batcher<>(3, 20 * MS);
    for (int i = 0; i < 4; i++) {
      b.add(A, i, 0);
    }
    Optional<Batch<Integer>> batch = b.takeReady(0);
    assertThat(batch).get().extracting(Batch::items).isEqualTo(java.util.List.of(0, 1, 2));
    assertThat(b.takeReady(0)).isEmpty();
    assertThat(b.size()).isEqualTo(1);
  }

  @Test
  void shouldWaitAtMostTheDelayWhenTheBatchIsNotFull() {
    Batcher<Integer> b = new Batcher<>(8, 20 * MS);
    b.add(A, 1, 0);
    b.add(A, 2, 5 * MS);
    assertThat(b.takeReady(10 * MS)).isEmpty();
    assertThat(b.nanosUntilReady(10 * MS)).isEqualTo(10 * MS);
    assertThat(b.takeReady(20 * MS)).get().extracting(Batch::size).isEqualTo(2);
    assertThat(b.nanosUntilReady(20 * MS)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void shouldNeverMixModelsVersionsDirectionsOrSizeBuckets() {
    Batcher<String> b = new Batcher<>(8, 0);
    b.add(A, "a", 0);
    b.add(BatchKey.of("m", "v2", "AtoB", 64, 64), "version", 0);
    b.add(BatchKey.of("m", "v1", "BtoA", 64, 64), "direction", 0);
    b.add(BatchKey.of("other", "v1", "AtoB", 64, 64), "model", 0);
    b.add(BatchKey.of("m", "v1", "AtoB", 60, 64), "size", 0);
    b.add(BatchKey.of("m", "v1", "AtoB", 62, 63), "same bucket", 0);
    int batches = 0;
    while (b.size() > 0) {
      Batch<String> batch = b.takeReady(1).orElseThrow();
      batches++;
      if (batch.key().equals(A)) {
        assertThat(batch.items()).containsExactly("a", "same bucket");
      } else {
        assertThat(batch.items()).hasSize(1);
      }
    }
    assertThat(batches).isEqualTo(5);
  }

  @Test
  void shouldServeTheQueueWithTheOldestRequestFirst() {
    Batcher<String> b = new Batcher<>(2, 10 * MS);
    BatchKey other = BatchKey.of("n", "v1", "AtoB", 64, 64);
    b.add(other, "old", 0);
    b.add(A, "new-1", 5 * MS);
    b.add(A, "new-2", 6 * MS);
    assertThat(b.takeReady(11 * MS).orElseThrow().items()).containsExactly("old");
    assertThat(b.takeReady(11 * MS).orElseThrow().items()).containsExactly("new-1", "new-2");
  }

  @Test
  void shouldBucketSizesByTheGeneratorsGridOfFour() {
    assertThat(BatchKey.of("m", "v", "AtoB", 61, 64))
        .isEqualTo(BatchKey.of("m", "v", "AtoB", 64, 62));
    assertThat(BatchKey.of("m", "v", "AtoB", 60, 64))
        .isNotEqualTo(BatchKey.of("m", "v", "AtoB", 61, 64));
  }
}
