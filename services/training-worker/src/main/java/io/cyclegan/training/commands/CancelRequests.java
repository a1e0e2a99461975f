package io.cyclegan.training.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cancel commands seen on the command topic, by job id, bounded (oldest forgotten first). A
 * cancel applies to a start only if it came after it: a later offset on the same partition, or a
 * later timestamp when a client keyed the two differently.
 */
public final class CancelRequests {
  static final int MAX_JOBS = 10_000;

  /** Where a cancel was read. */
  record Seen(int partition, long offset, long timestamp) {}

  private final Map<String, List<Seen>> byJob =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Seen>> eldest) {
          return size() > MAX_JOBS;
        }
      };

  public synchronized void record(String jobId, int partition, long offset, long timestamp) {
    byJob
        .computeIfAbsent(jobId, k -> new ArrayList<>())
        .add(new Seen(partition, offset, timestamp));
  }

  /** True when a cancel for {@code jobId} came after the start at the given coordinates. */
  public synchronized boolean isRequested(
      String jobId, int startPartition, long startOffset, long startTimestamp) {
    List<Seen> seen = byJob.get(jobId);
    if (seen == null) {
      return false;
    }
    for (Seen s : seen) {
      boolean after =
          s.partition() == startPartition
              ? s.offset() > startOffset
              : s.timestamp() >= startTimestamp;
      if (after) {
        return true;
      }
    }
    return false;
  }
}
