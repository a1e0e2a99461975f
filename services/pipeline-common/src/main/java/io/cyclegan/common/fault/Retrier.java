package io.cyclegan.common.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call until it succeeds, retrying transient faults with the policy's backoff until the
 * budget (or an earlier deadline) is spent. Permanent errors are thrown at once. The dependency's
 * state follows every attempt, so readiness and metrics show a wait in progress.
 */
public final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  private final RetryPolicy policy;
  private final Dependency dependency;
  private final Predicate<Throwable> isTransient;

  public Retrier(RetryPolicy policy, Dependency dependency) {
    this(policy, dependency, Faults::isTransient);
  }

  public Retrier(RetryPolicy policy, Dependency dependency, Predicate<Throwable> isTransient) {
    this.policy = policy;
    this.dependency = dependency;
    this.isTransient = isTransient;
  }

  public RetryPolicy policy() {
    return policy;
  }

  public Dependency dependency() {
    return dependency;
  }

  /** A call that may throw anything. */
  @FunctionalInterface
  public interface Call<T> {
    T run() throws Exception;
  }

  /** What a call did when the retrier gave up: permanent, out of budget, or interrupted. */
  public static final class GaveUp extends Exception {
    private static final long serialVersionUID = 1L;
    private final int attempts;
    private final boolean transientFault;

    GaveUp(Throwable cause, int attempts, boolean transientFault) {
      super(cause);
      this.attempts = attempts;
      this.transientFault = transientFault;
    }

    /** How many times the call ran. */
    public int attempts() {
      return attempts;
    }

    /** True when the last error was transient (the budget or deadline ran out, or interrupted). */
    public boolean transientFault() {
      return transientFault;
    }
  }

  /** Runs {@code call} within the policy's budget. */
  public <T> T call(String what, Call<T> call) throws GaveUp {
    return call(what, call, null);
  }

  /**
   * Runs {@code call}, retrying transient faults until it succeeds, a permanent error comes, or the
   * budget from now, or {@code deadline} if earlier, is spent.
   */
  public <T> T call(String what, Call<T> call, Instant deadline) throws GaveUp {
    Instant giveUpAt = Instant.now().plus(policy.budget());
    if (deadline != null && deadline.isBefore(giveUpAt)) {
      giveUpAt = deadline;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        T result = call.run();
        dependency.succeeded();
        return result;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          throw new GaveUp(e, attempt, true);
        }
        boolean transientFault = isTransient.test(e);
        if (!transientFault) {
          dependency.succeeded(); // it answered: the request was at fault, not the dependency
          throw new GaveUp(e, attempt, false);
        }
        dependency.failed(e);
        Duration wait = policy.backoff(attempt);
        Instant now = Instant.now();
        if (!now.plus(wait).isBefore(giveUpAt)) {
          throw new GaveUp(e, attempt, true);
        }
        dependency.retried();
        if (attempt == 1 || attempt % 10 == 0) {
          log.warn(
              "{}: {} failed ({}), retrying (attempt {}, next in {} ms, giving up at {})",
              dependency.name(),
              what,
              e.toString(),
              attempt,
              wait.toMillis(),
              giveUpAt);
        }
        try {
          Thread.sleep(wait.toMillis()); // backoff between retries, not synchronisation
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new GaveUp(e, attempt, true);
        }
      }
    }
  }
}
