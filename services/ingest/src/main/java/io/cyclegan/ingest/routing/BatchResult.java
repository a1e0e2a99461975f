package io.cyclegan.ingest.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The outcomes of a batch, in input order, and the sends still in flight. The store writes are done
 * by the time a result exists; {@link #awaitDurable} waits for the broker's acknowledgements, after
 * which every output of the batch is durable and its offsets may be committed.
 */
public record BatchResult(List<Outcome> outcomes, List<Future<?>> sends) {

  public BatchResult {
    outcomes = List.copyOf(outcomes);
    sends = List.copyOf(sends);
  }

  /**
   * Waits until every send is acknowledged.
   *
   * @throws OutputNotDurableException when a send failed or did not finish in time; the batch must
   *     then be processed again (every output is idempotent)
   */
  public BatchResult awaitDurable(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Future<?> send : sends) {
      try {
        send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OutputNotDurableException("interrupted while waiting for the broker", e);
      } catch (ExecutionException e) {
        throw new OutputNotDurableException(
            "a send failed: " + e.getCause().getMessage(), e.getCause());
      } catch (TimeoutException e) {
        throw new OutputNotDurableException(
            "the broker did not acknowledge every send within " + timeout, e);
      }
    }
    return this;
  }

  /** Some output of a batch did not reach the broker; nothing of the batch may be committed. */
  public static final class OutputNotDurableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutputNotDurableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
