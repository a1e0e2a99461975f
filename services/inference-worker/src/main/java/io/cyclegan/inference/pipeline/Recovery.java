package io.cyclegan.inference.pipeline;

import io.cyclegan.common.fault.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a request whose stage failed, the one place that decides it:
 *
 * <ul>
 *   <li>the worker is stopping or being killed: the request is abandoned, its offset left
 *       uncommitted, and the next owner repeats it;
 *   <li>a transient fault (the store or the broker away) before the request's deadline: the stage
 *       runs again after a capped, jittered backoff ({@code
 *       cyclegan_inference_deliveries_retried_total}); no error result, no dead letter;
 *   <li>a transient fault at or after the deadline: an error result saying the deadline passed;
 *   <li>a permanent cause: an error result and a dead letter, at once.
 * </ul>
 *
 * <p>Retries wait on a timer, not on a stage's thread, so a request waiting for the broker holds
 * only its in-flight slot.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private final RetryPolicy policy;
  private final Duration requestDeadline;
  private final AtomicBoolean halted;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Set<PendingRequest> waiting = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "inference-retry");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param policy the backoff between runs of a stage
   * @param requestDeadline how long after its receipt a request may wait out transient faults
   * @param halted set when the worker is killed
   */
  Recovery(RetryPolicy policy, Duration requestDeadline, AtomicBoolean halted) {
    this.policy = policy;
    this.requestDeadline = requestDeadline;
    this.halted = halted;
  }

  Duration requestDeadline() {
    return requestDeadline;
  }

  /**
   * True, and the request abandoned, when the worker is stopping or killed, or the failure is the
   * interruption of a stop: such a request is redelivered, never answered with an error.
   */
  boolean abandonedByStop(PendingRequest r, Throwable error) {
    boolean interrupted = Thread.currentThread().isInterrupted();
    for (Throwable t = error; t != null && !interrupted; t = t.getCause()) {
      interrupted = t instanceof InterruptedException;
    }
    if (halted.get() || stopping.get() || interrupted) {
      r.releaseModel();
      r.delivery.abandon();
      return true;
    }
    return false;
  }

  /**
   * Decides about a failed stage: {@code again} (the stage) after a backoff, an error result
   * through {@code answer}, or nothing when stopping.
   */
  void failed(
      PendingRequest r,
      RequestFailure f,
      Runnable again,
      java.util.function.BiConsumer<PendingRequest, RequestFailure> answer) {
    if (abandonedByStop(r, f)) {
      return;
    }
    if (f.isTransient()) {
      if (r.deadline == null || Instant.now().isBefore(r.deadline)) {
        retryLater(r, f.stage() + ": " + f.getMessage(), again);
        return;
      }
      f = RequestFailure.deadline(f, requestDeadline.toSeconds());
    }
    answer.accept(r, f);
  }

  /**
   * Runs {@code again} after the backoff of the request's next retry; for a step that must complete
   * whatever the deadline (publishing an answer already decided).
   */
  void retryLater(PendingRequest r, String why, Runnable again) {
    int attempt = r.delivery.retried();
    long waitMs = policy.backoff(attempt).toMillis();
    if (attempt == 1 || attempt % 10 == 0) {
      log.warn("{}: transient fault, retry {} in {} ms: {}", r.delivery, attempt, waitMs, why);
    }
    waiting.add(r);
    try {
      timer.schedule(
          () -> {
            if (waiting.remove(r) && !abandonedByStop(r, null)) {
              again.run();
            }
          },
          waitMs,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (waiting.remove(r)) {
        r.releaseModel();
        r.delivery.abandon();
      }
    }
  }

  /** From now on failures abandon their requests; those waiting for a retry are abandoned now. */
  void stop() {
    stopping.set(true);
    timer.shutdownNow();
    for (PendingRequest r : waiting) {
      if (waiting.remove(r)) {
        r.releaseModel();
        r.delivery.abandon();
      }
    }
  }
}
