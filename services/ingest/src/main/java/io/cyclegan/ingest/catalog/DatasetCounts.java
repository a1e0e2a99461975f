package io.cyclegan.ingest.catalog;

import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The image counts of each dataset this process ingests into, kept up to date as images arrive, so
 * that a batch costs the same whatever the dataset's size (issue 17): a dataset is listed once, the
 * first time this process sees it, and then counted by what ingest adds. An image counts only when
 * its content-addressed key was absent before ingest wrote it, and a key counts once per process (a
 * bounded set of recent keys), so a re-upload or a redelivery never counts twice.
 *
 * <p>What this process cannot see (another ingest replica adding the same dataset, images deleted
 * by hand) is corrected by {@link #refresh}, which the {@link CatalogRefresher} runs in the
 * background: a listing, merged with what was added while it ran. The counts are written to {@code
 * catalog/datasets/{dataset}.json} after every batch that changed them, for the catalog's readers.
 * Thread-safe.
 */
public final class DatasetCounts {
  /** Keys remembered as counted, per process: a redelivered batch is far younger than this. */
  static final int RECENT_KEYS = 16_384;

  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Boolean> recent =
      new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > RECENT_KEYS;
        }
      };

  public DatasetCounts(Clock clock) {
    this.clock = clock;
  }

  /** One dataset's state; every field is guarded by the entry itself. */
  private static final class Entry {
    final Object refreshLock = new Object();
    final Object writeLock = new Object();
    boolean loaded;
    long a;
    long b;
    long version;
    long writtenVersion = -1;
    Set<String> addedDuringRefresh;
    Instant listed;
    boolean changedSinceListing;
  }

  /**
   * Makes sure the dataset's counts are known: one listing the first time this process sees it
   * (several, when batches race to be first), nothing after that.
   *
   * @param store the store view to list with (the caller's deadline)
   */
  public void load(String dataset, ObjectStore store) {
    Entry e = entry(dataset);
    synchronized (e) {
      if (e.loaded) {
        return;
      }
    }
    // Listed without a lock: a caller with a short deadline (an HTTP upload) must not wait behind
    // another's listing that waits out a store outage. Racing first listings: the first one wins.
    Set<String> keys = new Catalog(store).imageKeys(dataset);
    synchronized (e) {
      if (!e.loaded) {
        set(e, dataset, keys);
        e.loaded = true;
      }
    }
  }

  /**
   * Counts {@code newKeys}, which ingest has just written where nothing was before, and returns the
   * dataset's counts after them ({@code A} and {@code B}). A key already counted by this process is
   * not counted again.
   *
   * @throws IllegalStateException when the dataset was not {@link #load}ed
   */
  public Map<String, Long> add(String dataset, Collection<String> newKeys) {
    Entry e = entry(dataset);
    synchronized (e) {
      if (!e.loaded) {
        throw new IllegalStateException("dataset " + dataset + " is not loaded");
      }
      String prefix = "datasets/" + dataset + "/";
      for (String key : newKeys) {
        if (!rememberNew(key)) {
          continue;
        }
        if (e.addedDuringRefresh != null) {
          e.addedDuringRefresh.add(key);
        }
        if (key.startsWith(prefix + "A/")) {
          e.a++;
        } else if (key.startsWith(prefix + "B/")) {
          e.b++;
        }
      }
      if (!newKeys.isEmpty()) {
        e.version++;
        e.changedSinceListing = true;
      }
      return counts(e);
    }
  }

  /** The dataset's counts as this process knows them, or empty when it has not loaded it. */
  public Optional<Map<String, Long>> counts(String dataset) {
    Entry e = entries.get(dataset);
    if (e == null) {
      return Optional.empty();
    }
    synchronized (e) {
      return e.loaded ? Optional.of(counts(e)) : Optional.empty();
    }
  }

  /**
   * Writes the dataset's summary document when its counts changed since the last write (also after
   * a batch whose first attempt failed after counting): one small PUT, whatever the dataset's size.
   * Writes of one dataset never overtake each other.
   */
  public void writeSummary(String dataset, ObjectStore store) {
    Entry e = entries.get(dataset);
    if (e == null) {
      return;
    }
    synchronized (e.writeLock) {
      long version;
      DatasetSummaryDocument doc;
      synchronized (e) {
        if (!e.loaded || e.version <= e.writtenVersion) {
          return;
        }
        version = e.version;
        doc =
            new DatasetSummaryDocument(
                DatasetSummaryDocument.SCHEMA, dataset, counts(e), clock.instant(), e.listed);
      }
      store.putJson(ObjectKeys.datasetSummary(dataset), doc);
      synchronized (e) {
        e.writtenVersion = Math.max(e.writtenVersion, version);
      }
    }
  }

  /**
   * Re-derives the dataset's counts from a listing, keeping what was added while the listing ran,
   * and writes its summary: corrects what this process could not see. Costs one listing of the
   * dataset; the {@link CatalogRefresher} runs it in the background, never on a batch's path.
   */
  public void refresh(String dataset, ObjectStore store) {
    Entry e = entry(dataset);
    synchronized (e.refreshLock) {
      synchronized (e) {
        e.addedDuringRefresh = new HashSet<>();
      }
      try {
        Set<String> keys = new HashSet<>(new Catalog(store).imageKeys(dataset));
        synchronized (e) {
          keys.addAll(e.addedDuringRefresh);
          set(e, dataset, keys);
          e.loaded = true;
        }
      } finally {
        synchronized (e) {
          e.addedDuringRefresh = null;
        }
      }
    }
    writeSummary(dataset, store);
  }

  /** When the dataset's counts were last derived from a listing by this process, if ever. */
  public Optional<Instant> listedAt(String dataset) {
    Entry e = entries.get(dataset);
    if (e == null) {
      return Optional.empty();
    }
    synchronized (e) {
      return Optional.ofNullable(e.listed);
    }
  }

  /**
   * The datasets this process added images to since their last listing, when that listing is older
   * than {@code maxAge}, oldest first: the ones whose counts may have drifted.
   */
  public List<String> changedAndListedBefore(Duration maxAge) {
    Instant limit = clock.instant().minus(maxAge);
    Map<Instant, String> due = new TreeMap<>();
    entries.forEach(
        (name, e) -> {
          synchronized (e) {
            if (e.loaded && e.changedSinceListing && !e.listed.isAfter(limit)) {
              due.put(e.listed, name);
            }
          }
        });
    return List.copyOf(due.values());
  }

  private Entry entry(String dataset) {
    return entries.computeIfAbsent(dataset, d -> new Entry());
  }

  private boolean rememberNew(String key) {
    synchronized (recent) {
      return recent.put(key, Boolean.TRUE) == null;
    }
  }

  private void set(Entry e, String dataset, Collection<String> keys) {
    Map<String, Long> c = Catalog.counts(dataset, keys);
    e.a = c.get("A");
    e.b = c.get("B");
    e.listed = clock.instant();
    e.changedSinceListing = false;
    e.version++;
    synchronized (recent) {
      for (String key : keys) {
        recent.put(key, Boolean.TRUE);
      }
    }
  }

  private static Map<String, Long> counts(Entry e) {
    Map<String, Long> c = new TreeMap<>();
    c.put("A", e.a);
    c.put("B", e.b);
    return c;
  }
}
