package io.cyclegan.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline on reading one request body. The JDK server reads bodies with blocking reads on the
 * connection's channel and has no per-server read timeout; when the deadline passes during a read,
 * the reading thread is interrupted, which closes the channel (an interruptible channel's contract)
 * and ends the read. The interrupt is sent only while a read is in progress, so it never reaches
 * the handler's later work (a Kafka send), and is cleared again before the thread goes on.
 */
final class ReadDeadline implements AutoCloseable {
  private final Thread reader = Thread.currentThread();
  private final ScheduledFuture<?> alarm;
  private boolean reading;
  private boolean expired;

  ReadDeadline(ScheduledExecutorService timer, Duration timeout) {
    this.alarm = timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void expire() {
    expired = true;
    if (reading) {
      reader.interrupt();
    }
  }

  /** {@link InputStream#read(byte[], int, int)} within the deadline. */
  int read(InputStream in, byte[] b, int off, int len) throws IOException {
    synchronized (this) {
      if (expired) {
        throw new TimeoutException();
      }
      reading = true;
    }
    try {
      return in.read(b, off, len);
    } catch (ClosedByInterruptException e) {
      throw new TimeoutException();
    } finally {
      synchronized (this) {
        reading = false;
        if (expired) {
          Thread.interrupted();
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    alarm.cancel(false);
    if (expired) {
      Thread.interrupted();
    }
  }

  /** The body did not arrive in time; the connection is closed, so no answer can be sent. */
  static final class TimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    TimeoutException() {
      super("the request body did not arrive within the read timeout");
    }
  }
}
