package io.cyclegan.inference.batching;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-over between the stage that prepares requests and the one thread that runs the model: a
 * bounded {@link Batcher} behind a lock. {@link #put} blocks while {@code capacity} requests wait
 * (backpressure reaches the consumer, which then pauses its partitions); {@link #take} blocks until
 * a batch is ready by the batching rule.
 */
public final class BatchQueue<T> {
  private final Batcher<T> batcher;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean closed;
  private boolean draining;

  public BatchQueue(int maxBatch, long maxDelayNanos, int capacity) {
    this.batcher = new Batcher<>(maxBatch, maxDelayNanos);
    this.capacity = capacity;
  }

  /**
   * Adds a request, waiting while the queue is full; false when closed (the request is dropped).
   */
  public boolean put(BatchKey key, T item) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (!closed && batcher.size() >= capacity) {
        changed.await();
      }
      if (closed) {
        return false;
      }
      batcher.add(key, item, System.nanoTime());
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next batch: waits for one to be ready; empty once the queue is closed (or, when draining,
   * closed and empty).
   */
  public Optional<Batch<T>> take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        if (closed && !draining) {
          return Optional.empty();
        }
        if (draining) {
          Optional<Batch<T>> b = batcher.takeOldest();
          if (b.isPresent() || closed) {
            changed.signalAll();
            return b;
          }
        }
        long now = System.nanoTime();
        Optional<Batch<T>> ready = batcher.takeReady(now);
        if (ready.isPresent()) {
          changed.signalAll();
          return ready;
        }
        long wait = batcher.nanosUntilReady(now);
        if (wait == Long.MAX_VALUE) {
          changed.await();
        } else {
          changed.awaitNanos(wait);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * From now on batches go out without waiting to fill (a graceful stop); with {@code close} after,
   * {@link #take} returns what is left, then empty.
   */
  public void drain() {
    lock.lock();
    try {
      draining = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the queue: waiting puts fail; without {@link #drain}, what waits is returned, dropped.
   */
  public List<T> close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
      return draining ? List.of() : batcher.clear();
    } finally {
      lock.unlock();
    }
  }
}
