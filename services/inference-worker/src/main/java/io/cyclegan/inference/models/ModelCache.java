package io.cyclegan.inference.models;

import io.cyclegan.common.fault.Faults;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded generators, at most {@code capacity} versions, least recently used out first.
 *
 * <p>A version loads once however many requests ask for it at the same time: the first asker loads,
 * the others wait on its future. Requests hold a {@link Lease} from the moment their model is
 * resolved until their forward pass is done; an evicted version is closed when its last lease is
 * released, so a hot swap (a new version announced, new requests resolved to it, the old one aged
 * out) never closes a generator under a running batch. For that reason the number of versions in
 * memory can exceed {@code capacity} while evicted ones are still in use.
 */
public final class ModelCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelCache.class);

  /** Loads one version's generators; throws {@link UnknownModelException} when there is none. */
  @FunctionalInterface
  public interface Loader {
    CycleGanTranslator load(ModelRef ref) throws Exception;

    /**
     * Loads, waiting out transient faults until {@code deadline} at most (null: the outage budget).
     */
    default CycleGanTranslator load(ModelRef ref, Instant deadline) throws Exception {
      return load(ref);
    }
  }

  private final int capacity;
  private final Loader loader;
  private final Counter hits;
  private final Counter misses;
  private final LinkedHashMap<ModelRef, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  private static final class Entry {
    final ModelRef ref;
    final CompletableFuture<CycleGanTranslator> translator = new CompletableFuture<>();
    int leases;
    boolean evicted;

    Entry(ModelRef ref) {
      this.ref = ref;
    }
  }

  /** A version in use by one request; release it when its forward pass is done. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public ModelRef ref() {
      return entry.ref;
    }

    public CycleGanTranslator translator() {
      return entry.translator.join();
    }

    @Override
    public void close() {
      synchronized (ModelCache.this) {
        if (released) {
          return;
        }
        released = true;
        entry.leases--;
        if (entry.evicted && entry.leases == 0) {
          closeQuietly(entry);
        }
      }
    }
  }

  public ModelCache(int capacity, Loader loader, MeterRegistry registry) {
    this.capacity = capacity;
    this.loader = loader;
    this.hits = cacheCounter(registry, "hit");
    this.misses = cacheCounter(registry, "miss");
  }

  private static Counter cacheCounter(MeterRegistry registry, String result) {
    return Counter.builder("cyclegan.inference.model.cache")
        .description("model look-ups, by whether the version was loaded or loading already")
        .tag("result", result)
        .register(registry);
  }

  /**
   * The version, loading it first when it is not cached; blocks while it loads.
   *
   * @throws UnknownModelException when the store has no such version
   * @throws ModelLoadException when it cannot be loaded
   */
  public Lease acquire(ModelRef ref) {
    return acquire(ref, null);
  }

  /**
   * As {@link #acquire(ModelRef)}; a load this call starts waits out transient store faults until
   * {@code deadline} (the asking request's), then fails with the transient fault, and the version
   * is forgotten so that the next asker loads it again.
   */
  public Lease acquire(ModelRef ref, Instant deadline) {
    Entry entry;
    boolean mine = false;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("model cache is closed");
      }
      entry = entries.get(ref);
      if (entry == null) {
        entry = new Entry(ref);
        entries.put(ref, entry);
        mine = true;
        misses.increment();
      } else {
        hits.increment();
      }
      entry.leases++;
    }
    if (mine) {
      load(entry, deadline);
    }
    try {
      await(entry, deadline);
    } catch (RuntimeException e) {
      synchronized (this) {
        entry.leases--;
      }
      throw e;
    }
    return new Lease(entry);
  }

  /**
   * Waits for a load that someone else started (a prefetch waits out a store outage for the whole
   * budget) no longer than this asker's deadline.
   */
  private static void await(Entry entry, Instant deadline) {
    try {
      if (deadline == null) {
        entry.translator.join();
        return;
      }
      long ms = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
      entry.translator.get(ms, TimeUnit.MILLISECONDS);
    } catch (CompletionException e) {
      throw unwrap(e);
    } catch (ExecutionException e) {
      throw unwrap(new CompletionException(e.getCause()));
    } catch (TimeoutException e) {
      throw new StillLoadingException(entry.ref);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while model " + entry.ref + " loads", e);
    }
  }

  /** A version is still loading at the asker's deadline: the store is slow or away. */
  public static final class StillLoadingException extends RuntimeException
      implements Faults.TransientFault {
    private static final long serialVersionUID = 1L;

    StillLoadingException(ModelRef ref) {
      super("model " + ref + " is still loading (the object store is slow or unavailable)");
    }
  }

  /** Loads a version in the background (a newly announced one), unless it is cached. */
  public void prefetch(ModelRef ref, Executor executor) {
    Entry entry;
    synchronized (this) {
      if (closed || entries.containsKey(ref)) {
        return;
      }
      entry = new Entry(ref);
      entries.put(ref, entry);
      misses.increment();
    }
    executor.execute(() -> load(entry, null));
  }

  /** Whether any version of {@code model} is loaded or loading. */
  public synchronized boolean holdsAnyVersionOf(String model) {
    return entries.keySet().stream().anyMatch(r -> r.model().equals(model));
  }

  /** The versions loaded or loading, least recently used first. */
  public synchronized Set<ModelRef> cached() {
    return Set.copyOf(entries.keySet());
  }

  private void load(Entry entry, Instant deadline) {
    try {
      CycleGanTranslator t = loader.load(entry.ref, deadline);
      boolean keep;
      synchronized (this) {
        keep = !closed;
      }
      if (!keep) {
        t.close();
        entry.translator.completeExceptionally(new IllegalStateException("model cache closed"));
        return;
      }
      entry.translator.complete(t);
      evictOverCapacity();
    } catch (Exception e) {
      synchronized (this) {
        entries.remove(entry.ref, entry);
      }
      entry.translator.completeExceptionally(e);
    }
  }

  private void evictOverCapacity() {
    List<Entry> toClose = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<ModelRef, Entry>> it = entries.entrySet().iterator();
      int excess = entries.size() - capacity;
      while (excess > 0 && it.hasNext()) {
        Entry e = it.next().getValue();
        if (!e.translator.isDone()) {
          continue; // still loading: someone waits for it
        }
        it.remove();
        excess--;
        e.evicted = true;
        log.info("model {} evicted from the cache ({} in use)", e.ref, e.leases);
        if (e.leases == 0) {
          toClose.add(e);
        }
      }
    }
    toClose.forEach(ModelCache::closeQuietly);
  }

  private static void closeQuietly(Entry e) {
    if (e.translator.isDone() && !e.translator.isCompletedExceptionally()) {
      e.translator.join().close();
    }
  }

  private static RuntimeException unwrap(CompletionException e) {
    Throwable c = e.getCause();
    if (c instanceof UnknownModelException
        || c instanceof ModelLoadException
        || (c instanceof Faults.TransientFault && c instanceof RuntimeException)) {
      return (RuntimeException) c; // a store outage stays a transient fault for the caller
    }
    return new ModelLoadException("cannot load model: " + c.getMessage(), c);
  }

  /** Closes every loaded version; call once no forward pass runs. */
  @Override
  public void close() {
    List<Entry> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(entries.values());
      entries.clear();
    }
    all.forEach(ModelCache::closeQuietly);
  }
}
