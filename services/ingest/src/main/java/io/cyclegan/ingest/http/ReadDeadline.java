package io.cyclegan.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline on reading one request body, whatever pace its bytes come at. Jetty's idle timeout
 * only bounds the gap between two reads, so a client sending a byte a second would hold a worker
 * for ever; when this deadline passes, {@code abort} closes the connection (its endpoint), which
 * ends a read in progress with an {@link IOException}, and every later read fails at once.
 */
final class ReadDeadline implements AutoCloseable {
  private final ScheduledFuture<?> alarm;
  private final Runnable abort;
  private volatile boolean expired;

  ReadDeadline(ScheduledExecutorService timer, Duration timeout, Runnable abort) {
    this.abort = abort;
    this.alarm = timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void expire() {
    expired = true;
    abort.run();
  }

  /** {@link InputStream#read(byte[], int, int)} within the deadline. */
  int read(InputStream in, byte[] b, int off, int len) throws IOException {
    if (expired) {
      throw new TimeoutException();
    }
    try {
      return in.read(b, off, len);
    } catch (IOException e) {
      if (expired) {
        throw new TimeoutException();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    alarm.cancel(false);
  }

  /** The body did not arrive in time; the connection is closed, so no answer can be sent. */
  static final class TimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    TimeoutException() {
      super("the request body did not arrive within the read timeout");
    }
  }
}
