package io.cyclegan.training.fleet;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A worker's monotonic clock that moves only when the test moves it (see {@link Leases}). */
final class DrivenClock implements LongSupplier {
  private final AtomicLong nanos = new AtomicLong();

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
