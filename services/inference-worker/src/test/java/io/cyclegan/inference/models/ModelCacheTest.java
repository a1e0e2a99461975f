package io.cyclegan.inference.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.inference.TestModels;
import io.cyclegan.model.translate.Direction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelCacheTest {
  private static byte[] generators;

  @BeforeAll
  static void export() {
    generators = TestModels.generators(2, 0, 1);
  }

  @Test
  void shouldLoadAVersionOnceWhenManyRequestsAskAtTheSameTime() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelCache cache =
        new ModelCache(
            2,
            ref -> {
              loads.incrementAndGet();
              release.await(10, TimeUnit.SECONDS);
              return TestModels.translator(generators);
            },
            registry);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (cache) {
      List<Future<ModelCache.Lease>> leases = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        leases.add(pool.submit(() -> cache.acquire(new ModelRef("m", "v1"))));
      }
      release.countDown();
      for (Future<ModelCache.Lease> f : leases) {
        f.get(30, TimeUnit.SECONDS).close();
      }
      assertThat(loads).hasValue(1);
      assertThat(
              registry
                  .get("cyclegan.inference.model.cache")
                  .tag("result", "miss")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry.get("cyclegan.inference.model.cache").tag("result", "hit").counter().count())
          .isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldEvictTheLeastRecentlyUsedButKeepItUsableWhileLeased() {
    try (ModelCache cache =
            new ModelCache(2, ref -> TestModels.translator(generators), new SimpleMeterRegistry());
        NDManager manager = NDManager.newBaseManager()) {
      ModelCache.Lease v1 = cache.acquire(new ModelRef("m", "v1"));
      cache.acquire(new ModelRef("m", "v2")).close();
      cache.acquire(new ModelRef("m", "v3")).close();
      assertThat(cache.cached())
          .containsExactlyInAnyOrder(new ModelRef("m", "v2"), new ModelRef("m", "v3"));
      // Evicted but leased: a running batch finishes on it.
      assertThat(
              v1.translator()
                  .translate(manager.zeros(new Shape(1, 3, 8, 8)), Direction.A_TO_B)
                  .getShape())
          .isEqualTo(new Shape(1, 3, 8, 8));
      v1.close();
    }
  }

  @Test
  void shouldRetryALoadThatFailedWhenAskedAgain() {
    AtomicInteger attempts = new AtomicInteger();
    try (ModelCache cache =
        new ModelCache(
            2,
            ref -> {
              if (attempts.incrementAndGet() == 1) {
                throw new UnknownModelException("not there yet: " + ref);
              }
              return TestModels.translator(generators);
            },
            new SimpleMeterRegistry())) {
      assertThatThrownBy(() -> cache.acquire(new ModelRef("m", "v1")))
          .isInstanceOf(UnknownModelException.class)
          .hasMessageContaining("m/v1");
      cache.acquire(new ModelRef("m", "v1")).close();
      assertThat(attempts).hasValue(2);
    }
  }

  @Test
  void shouldStopWaitingForAnotherAskersLoadAtItsOwnDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService prefetch = Executors.newSingleThreadExecutor();
    try (ModelCache cache =
        new ModelCache(
            2,
            ref -> {
              release.await(10, TimeUnit.SECONDS); // a store that is away
              return TestModels.translator(generators);
            },
            new SimpleMeterRegistry())) {
      ModelRef v1 = new ModelRef("m", "v1");
      cache.prefetch(v1, prefetch);
      assertThatThrownBy(() -> cache.acquire(v1, java.time.Instant.now().plusMillis(200)))
          .isInstanceOf(ModelCache.StillLoadingException.class)
          .isInstanceOf(io.cyclegan.common.fault.Faults.TransientFault.class);
      release.countDown();
      cache.acquire(v1, java.time.Instant.now().plusSeconds(30)).close();
    } finally {
      prefetch.shutdownNow();
    }
  }
}
