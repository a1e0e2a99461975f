package io.cyclegan.common.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a check (Kafka metadata, a bucket lookup) on its own thread every interval and keeps the
 * answer, so {@code /readyz} reads state and never waits on Kafka or S3 on the request thread. A
 * probe that has not come back for {@code staleAfter} counts as failing: a hung dependency makes
 * the service unready within seconds instead of hanging the probe.
 */
public final class BackgroundProbe implements BooleanSupplier, AutoCloseable {
  private final BooleanSupplier check;
  private final long staleAfterNanos;
  private final ScheduledExecutorService executor;
  private volatile boolean lastResult;
  private volatile long lastAnswerNanos = System.nanoTime();

  public BackgroundProbe(
      String name, BooleanSupplier check, Duration interval, Duration staleAfter) {
    this.check = check;
    this.staleAfterNanos = staleAfter.toNanos();
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "probe-" + name);
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    boolean ok;
    try {
      ok = check.getAsBoolean();
    } catch (RuntimeException e) {
      ok = false;
    }
    lastResult = ok;
    lastAnswerNanos = System.nanoTime();
  }

  /** The last answer, or false when the probe has been stuck for longer than staleAfter. */
  @Override
  public boolean getAsBoolean() {
    return lastResult && System.nanoTime() - lastAnswerNanos < staleAfterNanos;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
