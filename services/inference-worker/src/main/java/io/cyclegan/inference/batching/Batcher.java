package io.cyclegan.inference.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dynamic batching rule of Triton and TorchServe, as a plain data structure (the caller holds
 * the lock and the clock): requests wait in one FIFO queue per {@link BatchKey}; a queue is ready
 * when it holds {@code maxBatch} requests or its oldest has waited {@code maxDelayNanos}; of the
 * ready queues the one whose oldest request is oldest goes first, so no key starves.
 *
 * <p>Not thread-safe: {@link BatchQueue} wraps it with a lock.
 */
public final class Batcher<T> {
  private final int maxBatch;
  private final long maxDelayNanos;
  private final Map<BatchKey, ArrayDeque<Waiting<T>>> queues = new LinkedHashMap<>();
  private int size;

  private record Waiting<T>(T item, long enqueuedNanos) {}

  public Batcher(int maxBatch, long maxDelayNanos) {
    if (maxBatch < 1 || maxDelayNanos < 0) {
      throw new IllegalArgumentException(
          "maxBatch must be >= 1 and maxDelayNanos >= 0, was " + maxBatch + ", " + maxDelayNanos);
    }
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxDelayNanos;
  }

  public void add(BatchKey key, T item, long nowNanos) {
    queues.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Waiting<>(item, nowNanos));
    size++;
  }

  /** Requests waiting, over all keys. */
  public int size() {
    return size;
  }

  /** Takes the ready batch with the oldest request, if any queue is ready at {@code nowNanos}. */
  public Optional<Batch<T>> takeReady(long nowNanos) {
    BatchKey best = null;
    long bestAge = Long.MIN_VALUE;
    for (Map.Entry<BatchKey, ArrayDeque<Waiting<T>>> e : queues.entrySet()) {
      ArrayDeque<Waiting<T>> q = e.getValue();
      long age = nowNanos - q.peekFirst().enqueuedNanos();
      boolean ready = q.size() >= maxBatch || age >= maxDelayNanos;
      if (ready && age > bestAge) {
        best = e.getKey();
        bestAge = age;
      }
    }
    return best == null ? Optional.empty() : Optional.of(take(best));
  }

  /** Takes the batch with the oldest request whether it is ready or not (draining). */
  public Optional<Batch<T>> takeOldest() {
    BatchKey best = null;
    long oldest = Long.MAX_VALUE;
    for (Map.Entry<BatchKey, ArrayDeque<Waiting<T>>> e : queues.entrySet()) {
      long enqueued = e.getValue().peekFirst().enqueuedNanos();
      if (enqueued < oldest) {
        best = e.getKey();
        oldest = enqueued;
      }
    }
    return best == null ? Optional.empty() : Optional.of(take(best));
  }

  /**
   * How long until some queue becomes ready by age: 0 when one is ready now, {@link Long#MAX_VALUE}
   * when nothing waits.
   */
  public long nanosUntilReady(long nowNanos) {
    long wait = Long.MAX_VALUE;
    for (ArrayDeque<Waiting<T>> q : queues.values()) {
      if (q.size() >= maxBatch) {
        return 0;
      }
      long left = q.peekFirst().enqueuedNanos() + maxDelayNanos - nowNanos;
      wait = Math.min(wait, Math.max(0, left));
    }
    return wait;
  }

  /** Removes and returns everything waiting. */
  public List<T> clear() {
    List<T> all = new ArrayList<>(size);
    for (ArrayDeque<Waiting<T>> q : queues.values()) {
      q.forEach(w -> all.add(w.item()));
    }
    queues.clear();
    size = 0;
    return all;
  }

  private Batch<T> take(BatchKey key) {
    ArrayDeque<Waiting<T>> q = queues.get(key);
    List<T> items = new ArrayList<>(Math.min(maxBatch, q.size()));
    for (Iterator<Waiting<T>> it = q.iterator(); it.hasNext() && items.size() < maxBatch; ) {
      items.add(it.next().item());
      it.remove();
    }
    if (q.isEmpty()) {
      queues.remove(key);
    }
    size -= items.size();
    return new Batch<>(key, items);
  }
}
