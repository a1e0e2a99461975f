package io.cyclegan.inference.delivery;

/**
 * Requests taken from Kafka and not yet finished, over every stage. The consumer pauses its
 * partitions at {@code limit} and resumes at half of it, so every queue between the stages stays
 * bounded without each needing its own rule.
 */
public final class InFlight {
  private final int limit;
  private int count;

  public InFlight(int limit) {
    this.limit = limit;
  }

  synchronized void acquire() {
    count++;
  }

  synchronized void release() {
    count--;
    notifyAll();
  }

  public synchronized int count() {
    return count;
  }

  synchronized boolean full() {
    return count >= limit;
  }

  synchronized boolean lowEnough() {
    return count <= limit / 2;
  }

  /** Waits until some request finishes, or {@code millis} pass. */
  synchronized void awaitChange(long millis) throws InterruptedException {
    wait(millis);
  }
}
