package io.cyclegan.training.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lease protocol against the embedded S3 store, which has no conditional PUT. */
@ExtendWith(LocalStackExtension.class)
class LeasesIT {
  private static final Duration TTL = Duration.ofSeconds(6);

  private static String jobId() {
    return "lease-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void shouldLetAtMostOneOfFourRacingWorkersClaimAFreeJob(LocalStack stack) throws Exception {
    ObjectStore store = StackKit.store(stack);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 3; round++) {
        String jobId = jobId();
        List<Future<Optional<Leases.Held>>> claims = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
          Leases worker = new Leases(store, "w" + i, false, TTL);
          Callable<Optional<Leases.Held>> claim = () -> worker.tryAcquire(jobId, Optional.empty());
          claims.add(pool.submit(claim));
        }
        List<Leases.Held> won = new ArrayList<>();
        for (Future<Optional<Leases.Held>> f : claims) {
          f.get(30, TimeUnit.SECONDS).ifPresent(won::add);
        }

        // Safety: never two. (A claim slower than the bound gives up, so none may win.)
        assertThat(won).as("claims won in round %d", round).hasSizeLessThanOrEqualTo(1);
        Lease lease = new Leases(store, "reader", false, TTL).read(jobId).orElseThrow();
        for (Leases.Held h : won) {
          assertThat(lease.worker()).isEqualTo(h.workerId());
          assertThat(h.epoch()).isEqualTo(1);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldSeeTheLeaseFreeOnlyAfterItsHolderStoppedRenewingAndWasNoLongerValid(LocalStack stack)
      throws Exception {
    ObjectStore store = StackKit.store(stack);
    String jobId = jobId();
    Leases first = new Leases(store, "w1", false, TTL);
    Leases second = new Leases(store, "w2", false, TTL);
    Leases.Held held = claim(first, jobId);
    assertThat(held.renew()).isTrue();

    // While the holder renews, the other worker never sees the lease free.
    Instant renewUntil = Instant.now().plus(TTL);
    while (Instant.now().isBefore(renewUntil)) {
      assertThat(held.renew()).isTrue();
      assertThat(second.looksFree(jobId, second.read(jobId))).isFalse();
      Thread.sleep(TTL.dividedBy(4).toMillis()); // the holder's renewal cadence
    }

    // The holder stops renewing (a crash, a partition): the lease looks free to the other only
    // once the holder's own validity has run out.
    await()
        .atMost(TTL.multipliedBy(4))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> second.looksFree(jobId, second.read(jobId)));
    assertThat(held.isValid()).as("old holder still valid when the lease looked free").isFalse();

    Leases.Held taken = second.tryAcquire(jobId, second.read(jobId)).orElseThrow();
    assertThat(taken.epoch()).isEqualTo(held.epoch() + 1);
    assertThat(held.renew()).as("the old holder renews after the takeover").isFalse();
    assertThat(held.isLost()).isTrue();
    assertThat(taken.renew()).isTrue();
  }

  @Test
  void shouldLoseTheLeaseWhenAnotherWorkersClaimIsThere(LocalStack stack) throws Exception {
    ObjectStore store = StackKit.store(stack);
    String jobId = jobId();
    Leases.Held held = claim(new Leases(store, "w1", false, TTL), jobId);
    // A claim that landed late (a paused claimant): whoever finds another document steps back.
    store.putJson(
        Leases.key(jobId), Lease.claim(jobId, "w2", held.epoch() + 1, TTL.toMillis(), "run-2"));

    assertThat(held.renew()).isFalse();
    assertThat(held.isValid()).isFalse();
  }

  @Test
  void shouldMakeAReleasedLeaseFreeAtOnceWithTheNextEpoch(LocalStack stack) throws Exception {
    ObjectStore store = StackKit.store(stack);
    String jobId = jobId();
    Leases.Held held = claim(new Leases(store, "w1", false, TTL), jobId);
    assertThat(held.renew()).isTrue();
    held.release();
    Leases second = new Leases(store, "w2", false, TTL);

    assertThat(second.looksFree(jobId, second.read(jobId))).isTrue();
    assertThat(claim(second, jobId).epoch()).isGreaterThan(held.epoch());
  }

  @Test
  void shouldFreeALeaseOfAnEarlierRunOfTheSameWorkerAtOnceOnlyWhenItsIdIsUnique(LocalStack stack)
      throws Exception {
    ObjectStore store = StackKit.store(stack);
    String jobId = jobId();
    Leases.Held held = claim(new Leases(store, "pod-0", true, TTL), jobId);
    assertThat(held.renew()).isTrue(); // then the process is killed: no release
    Optional<Lease> left = store.getJson(Leases.key(jobId), Lease.class);

    assertThat(new Leases(store, "pod-0", true, TTL).looksFree(jobId, left))
        .as("the restarted pod-0 (a StatefulSet never runs two)")
        .isTrue();
    assertThat(new Leases(store, "pod-0", false, TTL).looksFree(jobId, left))
        .as("a default id that two processes may share")
        .isFalse();
    assertThat(new Leases(store, "pod-1", true, TTL).looksFree(jobId, left))
        .as("another worker")
        .isFalse();
  }

  /**
   * A claim by a lone worker, tried again when the store answered too slowly for the claim to be
   * safe (the first calls of a JVM on a loaded machine can be): that costs time, never safety.
   */
  private static Leases.Held claim(Leases worker, String jobId) {
    AtomicReference<Leases.Held> won = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              worker.tryAcquire(jobId, worker.read(jobId)).ifPresent(won::set);
              return won.get() != null;
            });
    return won.get();
  }
}
