package io.cyclegan.training.fleet;

import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.training.job.Fence;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of jobs, one object per job ({@code jobs/{jobId}/lease.json}), on any S3 store: no
 * conditional write, no synchronised clocks (docs/reliability.md, "Training fleet", has the
 * argument).
 *
 * <ul>
 *   <li><b>Expiry by observation.</b> A lease is free when absent, released, or when this worker
 *       has seen the same document (epoch, renewals) for a whole time to live on its own monotonic
 *       clock. Wall-clock times in the document are never compared.
 *   <li><b>Claim (Fischer's timed mutual exclusion).</b> Read the lease and check it is the one
 *       seen free; write a claim with the next epoch; give up when that read-then-write took longer
 *       than the claim bound (a quarter of the time to live, 1 to 5 s); wait a little longer than
 *       the bound; read again: the claim is won only when the document is still this claim. Any
 *       other claimant read before this claim landed, so its write landed within the bound after
 *       that, before the re-read.
 *   <li><b>Holding.</b> The holder renews every quarter of the time to live, each time reading the
 *       lease first: another document there means the lease is lost. It counts itself valid until
 *       80% of the time to live after the start of its last successful renewal, so it stops before
 *       anyone else can see the lease unchanged for a whole time to live. A renewal that took
 *       longer than a fifth of the time to live also loses the lease (the worker paused: its write
 *       may have landed after another worker's claim).
 *   <li><b>Fencing.</b> Right before each write of the job, the holder {@link Held#confirm
 *       confirms} the lease: the document is still its claim and it is still valid by its own
 *       clock. What a late write could still do is made harmless by the lease epoch in the keys and
 *       states it writes (job/FencedWrites).
 * </ul>
 */
public final class Leases {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  private final ObjectStore store;
  private final String workerId;
  private final boolean uniqueWorkerId;
  private final String incarnation = UUID.randomUUID().toString();
  private final Duration ttl;
  private final Duration claimBound;
  private final Duration settle;
  private final Duration renewalBound;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  /** What this worker last saw of a job's lease, and when it first saw it (monotonic). */
  private record Seen(long epoch, long renewals, String worker, long sinceNanos) {}

  /**
   * @param uniqueWorkerId true when no other process ever runs with {@code workerId} at the same
   *     time (an operator-given id such as a StatefulSet pod name, the same condition as Kafka's
   *     static membership): then a lease of this id from an earlier run of the process is free at
   *     once after a restart
   * @param ttl the time to live: a crashed holder's job is taken over about this long after its
   *     last renewal
   */
  public Leases(ObjectStore store, String workerId, boolean uniqueWorkerId, Duration ttl) {
    this(store, workerId, uniqueWorkerId, ttl, System::nanoTime);
  }

  /**
   * @param clock this worker's monotonic clock in nanoseconds ({@link System#nanoTime}); a test
   *     drives it to play a worker whose clock runs fast or a holder that paused
   */
  Leases(
      ObjectStore store,
      String workerId,
      boolean uniqueWorkerId,
      Duration ttl,
      LongSupplier clock) {
    this.clock = clock;
    this.store = store;
    this.workerId = workerId;
    this.uniqueWorkerId = uniqueWorkerId;
    this.ttl = ttl;
    this.claimBound = clamp(ttl.dividedBy(4), Duration.ofSeconds(1), Duration.ofSeconds(5));
    this.settle = claimBound.plus(claimBound.dividedBy(10));
    this.renewalBound = ttl.dividedBy(5);
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  public Duration ttl() {
    return ttl;
  }

  /** How often a holder renews. */
  public Duration renewEvery() {
    return ttl.dividedBy(4);
  }

  public String workerId() {
    return workerId;
  }

  /** The job's lease document, if any. */
  public Optional<Lease> read(String jobId) {
    return quick().getJson(key(jobId), Lease.class);
  }

  static String key(String jobId) {
    return ObjectKeys.jobPrefix(jobId) + "lease.json";
  }

  /**
   * Whether the job's lease looks free to this worker: absent, released, or the same document seen
   * for a whole time to live (the longer of the holder's and this worker's).
   */
  public boolean looksFree(String jobId, Optional<Lease> lease) {
    if (lease.isEmpty() || lease.get().released()) {
      seen.remove(jobId);
      return true;
    }
    Lease l = lease.get();
    if (uniqueWorkerId && l.worker().equals(workerId) && !incarnation.equals(l.incarnation())) {
      seen.remove(jobId);
      return true; // held by an earlier run of this very worker, which is gone: restarted
    }
    long now = clock.getAsLong();
    Seen s = seen.get(jobId);
    if (s == null
        || s.epoch != l.epoch()
        || s.renewals != l.renewals()
        || !s.worker.equals(l.worker())) {
      seen.put(jobId, new Seen(l.epoch(), l.renewals(), l.worker(), now));
      return false;
    }
    long live = Math.max(ttl.toMillis(), l.ttlMs());
    return now - s.sinceNanos >= Duration.ofMillis(live).toNanos();
  }

  /** Forgets what was seen of a job's lease (the job left the queue). */
  public void forget(String jobId) {
    seen.remove(jobId);
  }

  /**
   * Tries to claim the job whose lease looked free as {@code observed}; empty when another worker
   * holds it or won the race, or when the store was too slow to tell.
   */
  public Optional<Held> tryAcquire(String jobId, Optional<Lease> observed)
      throws InterruptedException {
    long start = clock.getAsLong();
    Optional<Lease> current = read(jobId);
    if (!sameDocument(current, observed)) {
      return Optional.empty();
    }
    long epoch = current.map(l -> l.epoch() + 1).orElse(1L);
    Lease claim = Lease.claim(jobId, workerId, epoch, ttl.toMillis(), incarnation);
    quick().putJson(key(jobId), claim);
    if (clock.getAsLong() - start > claimBound.toNanos()) {
      log.warn("claim of job {} took longer than {} ms: not taken", jobId, claimBound.toMillis());
      return Optional.empty();
    }
    Thread.sleep(
        settle.toMillis()); // Fischer's delay: the protocol's timing, not a synchronisation
    Optional<Lease> after = read(jobId);
    if (!sameDocument(after, Optional.of(claim))) {
      log.info(
          "claim of job {} (epoch {}) lost to {}",
          jobId,
          epoch,
          after.map(Lease::worker).orElse("nobody"));
      return Optional.empty();
    }
    seen.remove(jobId);
    log.info("job {} leased by {} (epoch {})", jobId, workerId, epoch);
    return Optional.of(new Held(claim, start));
  }

  private static boolean sameDocument(Optional<Lease> a, Optional<Lease> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() && b.isEmpty();
    }
    Lease x = a.get();
    Lease y = b.get();
    return x.epoch() == y.epoch()
        && x.renewals() == y.renewals()
        && x.released() == y.released()
        && x.worker().equals(y.worker())
        && java.util.Objects.equals(x.incarnation(), y.incarnation());
  }

  /** Lease calls give up within the claim bound rather than wait out an outage. */
  private ObjectStore quick() {
    return store.withDeadline(Instant.now().plus(claimBound));
  }

  /** A lease this worker holds; its {@link #isValid} is the fence of the job's writes. */
  public final class Held implements Fence {
    private volatile Lease lease;
    private volatile long validUntilNanos;
    private volatile boolean lost;
    private volatile String takenBy;

    private Held(Lease lease, long writeStartNanos) {
      this.lease = lease;
      this.validUntilNanos = writeStartNanos + validFor();
    }

    private long validFor() {
      return ttl.toNanos() / 5 * 4;
    }

    public String jobId() {
      return lease.jobId();
    }

    /** The worker holding it (this one). */
    public String workerId() {
      return lease.worker();
    }

    @Override
    public long epoch() {
      return lease.epoch();
    }

    @Override
    public boolean isValid() {
      return !lost && clock.getAsLong() - validUntilNanos < 0;
    }

    @Override
    public Instant validUntil() {
      return Instant.now().plusNanos(Math.max(0, validUntilNanos - clock.getAsLong()));
    }

    @Override
    public boolean awaitValid(BooleanSupplier giveUp) throws InterruptedException {
      synchronized (this) {
        while (!isValid() && !lost && !giveUp.getAsBoolean()) {
          wait(200);
        }
      }
      return isValid();
    }

    @Override
    public boolean confirm(String jobId) {
      if (!isValid()) {
        return false;
      }
      // Bounded by the fence itself: a read still unanswered when it runs out is not a yes.
      Optional<Lease> current = store.withDeadline(validUntil()).getJson(key(jobId()), Lease.class);
      if (current.isEmpty() || !current.get().isHeldBy(workerId, incarnation, epoch())) {
        lose(current);
        throw new LeaseLostException(
            "job " + jobId + ": its lease (epoch " + epoch() + ") is held by " + takenBy + " now");
      }
      return isValid();
    }

    /**
     * Renews the lease. False when it is lost for good ({@link #isLost}: another document is there)
     * or not renewed this time (the store did not answer, or too slowly to tell what landed when:
     * tried again at the next renewal). A lease that ran out in between (the store away) is
     * confirmed as a claim is, with the wait: then no other worker's claim can still land.
     */
    public boolean renew() {
      if (lost) {
        return false;
      }
      boolean wasValid = isValid();
      long start = clock.getAsLong();
      try {
        Optional<Lease> current = read(jobId());
        if (current.isEmpty() || !current.get().isHeldBy(workerId, incarnation, epoch())) {
          return lose(current);
        }
        Lease next = current.get().renewed();
        quick().putJson(key(jobId()), next);
        long span = clock.getAsLong() - start;
        if (!wasValid) {
          if (span > claimBound.toNanos()) {
            return false;
          }
          Thread.sleep(settle.toMillis()); // as in a claim: any claim read before ours has landed
          Optional<Lease> after = read(jobId());
          if (!sameDocument(after, Optional.of(next))) {
            return lose(after);
          }
          log.info("lease of job {} (epoch {}) confirmed again", jobId(), epoch());
        } else if (span > renewalBound.toNanos()) {
          log.warn(
              "renewal of job {} took longer than {} ms: confirming the lease before going on",
              jobId(),
              renewalBound.toMillis());
          validUntilNanos = start;
          return false;
        }
        synchronized (this) {
          lease = next;
          validUntilNanos = start + validFor();
          notifyAll();
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (RuntimeException e) {
        log.warn(
            "renewal of job {} failed ({}); the job pauses if this goes on", jobId(), e.toString());
        return false;
      }
    }

    private boolean lose(Optional<Lease> current) {
      takenBy =
          current
              .map(
                  l ->
                      l.worker()
                          + ", lease epoch "
                          + l.epoch()
                          + (l.released() ? " (released since)" : ""))
              .orElse("nobody (its lease document is gone)");
      log.warn("lease of job {} (epoch {}) lost: it is held by {}", jobId(), epoch(), takenBy);
      lost = true;
      synchronized (this) {
        notifyAll(); // a run waiting for the lease to be confirmed stops now
      }
      return false;
    }

    @Override
    public Optional<String> takenBy() {
      return Optional.ofNullable(takenBy);
    }

    /** Gives the job up in order (it is free for any worker at once); only while still valid. */
    public void release() {
      if (!isValid()) {
        return;
      }
      try {
        Optional<Lease> current = read(jobId());
        if (current.isPresent() && current.get().isHeldBy(workerId, incarnation, epoch())) {
          quick().putJson(key(jobId()), current.get().release());
          log.info("lease of job {} (epoch {}) released", jobId(), epoch());
        }
      } catch (RuntimeException e) {
        log.warn("release of job {} failed ({}); it runs out instead", jobId(), e.toString());
      } finally {
        lost = true;
      }
    }

    /** The lease is given up without a write (this worker is crashing, or must not write). */
    @Override
    public void abandon() {
      lost = true;
    }

    /** True once the lease was lost, released or abandoned. */
    public boolean isLost() {
      return lost;
    }
  }
}
