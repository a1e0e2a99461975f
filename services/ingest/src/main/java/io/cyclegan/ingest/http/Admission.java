package io.cyclegan.ingest.http;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded work queue in front of the handlers: {@code workers} requests run, up to {@code
 * queue} more wait for one (each at most {@code maxWait}), and any other is refused at once. A
 * refused request has not read its body, so a flood costs neither memory nor a worker.
 */
final class Admission {
  private final Semaphore workers;
  private final int queue;
  private final Duration maxWait;
  private final AtomicInteger waiting = new AtomicInteger();

  Admission(int workers, int queue, Duration maxWait) {
    this.workers = new Semaphore(workers);
    this.queue = queue;
    this.maxWait = maxWait;
  }

  /** A worker's permit, released on close; empty when the queue is full or the wait ran out. */
  Optional<Permit> enter() throws InterruptedException {
    if (workers.tryAcquire()) {
      return Optional.of(new Permit());
    }
    if (waiting.incrementAndGet() > queue) {
      waiting.decrementAndGet();
      return Optional.empty();
    }
    try {
      return workers.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)
          ? Optional.of(new Permit())
          : Optional.empty();
    } finally {
      waiting.decrementAndGet();
    }
  }

  final class Permit implements AutoCloseable {
    private boolean released;

    @Override
    public void close() {
      if (!released) {
        released = true;
        workers.release();
      }
    }
  }
}
