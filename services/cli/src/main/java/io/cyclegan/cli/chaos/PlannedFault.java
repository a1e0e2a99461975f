package io.cyclegan.cli.chaos;

/**
 * One fault of a schedule, before it runs.
 *
 * @param index its place in the schedule, from 1
 * @param kind what happens
 * @param service for {@link FaultKind#KILL} and {@link FaultKind#TERM}: {@code ingest}, {@code
 *     training} or {@code inference}; otherwise {@code null}
 * @param gapBeforeMs quiet time between the end of the previous fault (or the start of the load)
 *     and this one
 * @param durationMs how long the fault lasts: the outage of the broker or the store, or for a
 *     process fault the time between the process's exit and its restart
 */
record PlannedFault(int index, FaultKind kind, String service, long gapBeforeMs, long durationMs) {

  PlannedFault {
    if (kind.hitsService() != (service != null)) {
      throw new IllegalArgumentException(
          "fault "
              + index
              + ": "
              + kind
              + " must "
              + (service == null ? "" : "not ")
              + "name a service");
    }
    if (gapBeforeMs < 0 || durationMs < 0) {
      throw new IllegalArgumentException("fault " + index + ": negative gap or duration");
    }
  }

  /** {@code kill ingest}, {@code store-hung 12.3s}: for progress lines. */
  String describe() {
    String what = kind.label() + (service == null ? "" : " " + service);
    return String.format(java.util.Locale.ROOT, "%s %.1fs", what, durationMs / 1000.0);
  }
}
