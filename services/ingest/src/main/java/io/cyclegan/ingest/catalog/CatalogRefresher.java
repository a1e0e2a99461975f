package io.cyclegan.ingest.catalog;

import io.cyclegan.common.store.KeyPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded background refresh of the dataset catalog: each step lists at most one dataset, never
 * on a batch's path. A step re-counts, in order:
 *
 * <ol>
 *   <li>a dataset this process added images to since it last listed it, once that listing is older
 *       than {@code maxAge} (what another replica added meanwhile is then counted);
 *   <li>else a dataset in the store that has no summary document yet (data from before summaries,
 *       or written without ingest), from the next page of dataset names; the page cursor turns
 *       round, so every dataset is reached, and a pass that found nothing waits {@code maxAge}
 *       before the next.
 * </ol>
 *
 * A failed step (the store away) is logged and the next one tries again: nothing depends on it but
 * the freshness of the counts.
 */
public final class CatalogRefresher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogRefresher.class);
  private static final String DATASETS = "datasets/";
  static final int NAMES_PER_STEP = 100;

  private final ObjectStore store;
  private final DatasetCounts counts;
  private final Duration maxAge;
  private final ScheduledExecutorService timer;
  private String cursor;
  private long nextScanNanos = System.nanoTime();
  private boolean foundInPass;

  /**
   * @param maxAge how old a changed dataset's last listing may grow ({@code
   *     CYCLEGAN_INGEST_CATALOG_REFRESH_SECONDS})
   */
  public CatalogRefresher(ObjectStore store, DatasetCounts counts, Duration maxAge) {
    this.store = store;
    this.counts = counts;
    this.maxAge = maxAge;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ingest-catalog-refresh");
              t.setDaemon(true);
              return t;
            });
  }

  /** Steps every tenth of {@code maxAge}, between 1 s and 60 s apart. */
  public void start() {
    long periodMs = Math.max(1000, Math.min(60_000, maxAge.toMillis() / 10));
    timer.scheduleWithFixedDelay(this::stepQuietly, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private void stepQuietly() {
    try {
      step();
    } catch (RuntimeException e) {
      log.warn("catalog refresh step failed, trying again in the next one: {}", e.getMessage());
    }
  }

  /** One step; returns the dataset it re-counted, if any. */
  public synchronized Optional<String> step() {
    List<String> due = counts.changedAndListedBefore(maxAge);
    if (!due.isEmpty()) {
      return refresh(due.get(0));
    }
    if (System.nanoTime() - nextScanNanos < 0) {
      return Optional.empty();
    }
    KeyPage page = store.listPage(DATASETS, true, cursor, NAMES_PER_STEP);
    cursor = page.next().orElse(null);
    for (String name : page.prefixes()) {
      if (Names.isValid(name)
          && counts.counts(name).isEmpty()
          && !store.exists(ObjectKeys.datasetSummary(name))) {
        foundInPass = true;
        return refresh(name);
      }
    }
    if (cursor == null) {
      // A whole pass over the names: when it found nothing to do, the next one waits maxAge
      // (some stores walk every key below datasets/ to answer a delimited listing).
      if (!foundInPass) {
        nextScanNanos = System.nanoTime() + maxAge.toNanos();
      }
      foundInPass = false;
    }
    return Optional.empty();
  }

  private Optional<String> refresh(String dataset) {
    counts.refresh(dataset, store);
    log.info("dataset {} re-counted from a listing: {}", dataset, counts.counts(dataset).get());
    return Optional.of(dataset);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
