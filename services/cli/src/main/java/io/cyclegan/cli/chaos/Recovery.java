package io.cyclegan.cli.chaos;

import java.util.List;

/**
 * How long the pipeline took to deliver again after a fault: the time from the fault's end (the
 * proxy passing again, the broker's start returning, the killed or stopped service's new process
 * launched) until the driver received the first {@code ok} result of a request that was sent at or
 * after that end. Counting only requests sent after the end means a result that was already under
 * way, or buffered in a client, does not pass for recovery: it measures new work going end to end
 * through every service again, including a restarted JVM's start-up.
 */
final class Recovery {
  private Recovery() {}

  /**
   * Seconds from {@code faultEndMs} to the first such result, or, when there is none, to {@code
   * observedUntilMs} with {@code recovered} false.
   */
  record Measure(double seconds, boolean recovered) {}

  static Measure after(long faultEndMs, List<Ledger.Request> requests, long observedUntilMs) {
    long first =
        requests.stream()
            .filter(r -> r.sentAtMs() >= faultEndMs)
            .mapToLong(Ledger.Request::firstOkAtMs)
            .filter(at -> at >= 0)
            .min()
            .orElse(-1);
    if (first < 0) {
      return new Measure(Math.max(0, observedUntilMs - faultEndMs) / 1000.0, false);
    }
    return new Measure((first - faultEndMs) / 1000.0, true);
  }
}
