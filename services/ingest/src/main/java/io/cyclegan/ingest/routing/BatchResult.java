package io.cyclegan.ingest.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The outcomes of a batch, in input order, and the sends of each outcome still in flight. The store
 * writes are done by the time a result exists; {@link #awaitDurable} waits for the broker's
 * acknowledgements, after which every output of the batch is durable and its offsets may be
 * committed. When some sends fail, {@link #durable} says which inputs are done all the same, so a
 * retry need not send their outputs twice.
 *
 * @param sends per outcome (same index), the sends that announce it
 */
public record BatchResult(List<Outcome> outcomes, List<List<Future<?>>> sends) {

  public BatchResult {
    outcomes = List.copyOf(outcomes);
    sends = sends.stream().<List<Future<?>>>map(List::copyOf).toList();
    if (sends.size() != outcomes.size()) {
      throw new IllegalArgumentException(
          "one list of sends per outcome: " + sends.size() + " for " + outcomes.size());
    }
  }

  /**
   * Waits until every send is acknowledged. On failure it still waits for the other sends (until
   * the same deadline), so that {@link #durable} is exact afterwards.
   *
   * @throws OutputNotDurableException when a send failed or did not finish in time; the inputs not
   *     {@link #durable} must then be processed again (every output is idempotent)
   */
  public BatchResult awaitDurable(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException first = null;
    for (List<Future<?>> perOutcome : sends) {
      for (Future<?> send : perOutcome) {
        RuntimeException e = await(send, deadline, timeout);
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return this;
  }

  private static OutputNotDurableException await(Future<?> send, long deadline, Duration timeout) {
    try {
      send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new OutputNotDurableException("interrupted while waiting for the broker", e);
    } catch (ExecutionException e) {
      return new OutputNotDurableException(
          "a send failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      return new OutputNotDurableException(
          "the broker did not acknowledge every send within " + timeout, e);
    }
  }

  /**
   * For each outcome (same index): true when all its sends are acknowledged now. Read it after
   * {@link #awaitDurable} failed, to know what a retry must redo.
   */
  public List<Boolean> durable() {
    List<Boolean> out = new ArrayList<>(sends.size());
    for (List<Future<?>> perOutcome : sends) {
      out.add(perOutcome.stream().allMatch(BatchResult::succeeded));
    }
    return out;
  }

  private static boolean succeeded(Future<?> f) {
    if (!f.isDone() || f.isCancelled()) {
      return false;
    }
    try {
      f.get(0, TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /** Some output of a batch did not reach the broker; nothing of the batch may be committed. */
  public static final class OutputNotDurableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutputNotDurableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
