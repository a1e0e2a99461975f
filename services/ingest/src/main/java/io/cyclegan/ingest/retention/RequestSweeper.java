package io.cyclegan.ingest.retention;

import io.cyclegan.common.store.KeyPage;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.common.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes translation inputs ({@code requests/}) and outputs and result documents ({@code
 * results/}) older than their lifetime, by the object's last-modified time. A sweep is bounded: it
 * looks at most at {@link RetentionConfig#maxObjectsPerSweep} objects, page by page, and the next
 * sweep goes on after the last key it saw (starting over at the end of a prefix), so its cost does
 * not grow with the bucket. Nothing else is touched: datasets, models, checkpoints and jobs are
 * outside these two prefixes. A sweep also aborts multipart uploads started longer ago than {@link
 * RetentionConfig#incompleteUploads} (a day by default: an upload in progress, such as a running
 * job's checkpoint, takes minutes), up to a page of them. Several ingest replicas sweeping at once
 * only repeat deletes, which S3 makes idempotent.
 */
public final class RequestSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RequestSweeper.class);
  static final String REQUESTS = "requests/";
  static final String RESULTS = "results/";
  private static final int PAGE = 1000;

  private final ObjectStore store;
  private final RetentionConfig config;
  private final Clock clock;
  private final Map<String, String> cursors = new LinkedHashMap<>();
  private final ScheduledExecutorService timer;
  private boolean multipartListable = true;

  public RequestSweeper(ObjectStore store, RetentionConfig config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ingest-retention");
              t.setDaemon(true);
              return t;
            });
  }

  /** What one sweep did. */
  public record Sweep(int looked, int deleted, int aborted) {
    Sweep(int looked, int deleted) {
      this(looked, deleted, 0);
    }
  }

  /** Sweeps every {@link RetentionConfig#sweepEvery}, unless nothing is ever deleted. */
  public void start() {
    if (!config.sweeps()) {
      return;
    }
    long ms = config.sweepEvery().toMillis();
    timer.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void sweepQuietly() {
    try {
      Sweep s = sweep();
      if (s.deleted() > 0 || s.aborted() > 0) {
        log.info(
            "retention: {} old request and result objects deleted of {} looked at, {} stale"
                + " uploads aborted",
            s.deleted(),
            s.looked(),
            s.aborted());
      }
    } catch (RuntimeException e) {
      log.warn("retention sweep failed, trying again in the next one: {}", e.getMessage());
    }
  }

  /** One bounded sweep of both prefixes. */
  public synchronized Sweep sweep() {
    int budget = config.maxObjectsPerSweep();
    int looked = 0;
    int deleted = 0;
    for (Map.Entry<String, Duration> p :
        Map.of(REQUESTS, config.requests(), RESULTS, config.results()).entrySet()) {
      if (p.getValue().isZero()) {
        continue;
      }
      Instant cutoff = clock.instant().minus(p.getValue());
      int share = Math.max(1, budget / 2);
      Sweep s = sweep(p.getKey(), cutoff, share);
      looked += s.looked();
      deleted += s.deleted();
    }
    return new Sweep(looked, deleted, abortIncompleteUploads());
  }

  private int abortIncompleteUploads() {
    if (config.incompleteUploads().isZero() || !multipartListable) {
      return 0;
    }
    Instant cutoff = clock.instant().minus(config.incompleteUploads());
    List<ObjectStore.IncompleteUpload> uploads;
    try {
      uploads = store.incompleteUploads(PAGE);
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (StoreException e) {
      // The store does not list multipart uploads: leave it to a lifecycle rule
      // (docs/retention.md) and stop asking.
      multipartListable = false;
      log.warn("retention: the store does not list incomplete uploads ({})", e.getMessage());
      return 0;
    }
    int aborted = 0;
    for (ObjectStore.IncompleteUpload u : uploads) {
      if (u.initiated() != null && u.initiated().isBefore(cutoff)) {
        store.abortUpload(u.key(), u.uploadId());
        aborted++;
      }
    }
    return aborted;
  }

  private Sweep sweep(String prefix, Instant cutoff, int budget) {
    int looked = 0;
    int deleted = 0;
    while (looked < budget) {
      KeyPage page =
          store.listPage(prefix, false, cursors.get(prefix), Math.min(PAGE, budget - looked));
      for (ObjectInfo o : page.objects()) {
        looked++;
        if (o.lastModified() != null && o.lastModified().isBefore(cutoff)) {
          store.delete(o.key());
          deleted++;
        }
      }
      if (page.next().isEmpty()) {
        cursors.remove(prefix); // the end: the next sweep starts over
        break;
      }
      cursors.put(prefix, page.next().get());
    }
    return new Sweep(looked, deleted);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
