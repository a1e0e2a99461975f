package io.cyclegan.inference.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchQueueTest {
  private static final BatchKey KEY = BatchKey.of("m", "v1", "AtoB", 8, 8);

  @Test
  void shouldHandOutWhatIsLeftWithoutWaitingWhenDraining() throws Exception {
    BatchQueue<Integer> q = new BatchQueue<>(8, TimeUnit.SECONDS.toNanos(60), 16);
    q.put(KEY, 1);
    q.put(KEY, 2);
    q.drain();
    long start = System.nanoTime();
    assertThat(q.take().orElseThrow().items()).containsExactly(1, 2);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    q.close();
    assertThat(q.take()).isEmpty();
  }

  @Test
  void shouldDropWhatWaitsAndRefusePutsWhenClosedWithoutDraining() throws Exception {
    BatchQueue<Integer> q = new BatchQueue<>(8, TimeUnit.SECONDS.toNanos(60), 16);
    q.put(KEY, 1);
    assertThat(q.close()).containsExactly(1);
    assertThat(q.put(KEY, 2)).isFalse();
    assertThat(q.take()).isEmpty();
  }
}
