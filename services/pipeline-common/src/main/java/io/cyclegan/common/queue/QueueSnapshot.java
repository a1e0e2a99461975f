package io.cyclegan.common.queue;

import java.time.Instant;
import java.util.List;

/**
 * The queue as a worker last saw it, {@code training/queue.json}: what {@code cyclegan jobs} and
 * the API show. Written by idle workers when what they see changes; each write is a whole view, so
 * the last one wins and the views converge. Read back only through {@link QueueSnapshots#read},
 * which validates it.
 *
 * @param schema {@value #SCHEMA}
 * @param updatedAt when it was written
 * @param waiting jobs no worker runs, oldest first; {@code position} 1 runs next
 * @param running jobs a worker holds, with the worker and the lease epoch
 */
public record QueueSnapshot(
    String schema, Instant updatedAt, List<Waiting> waiting, List<Running> running) {
  public static final String SCHEMA = "cyclegan.training.queue/v1";

  public QueueSnapshot {
    waiting = waiting == null ? List.of() : List.copyOf(waiting);
    running = running == null ? List.of() : List.copyOf(running);
  }

  /** A job waiting for a worker. */
  public record Waiting(String jobId, int position, Instant queuedAt) {}

  /** A job a worker runs. */
  public record Running(String jobId, String worker, long leaseEpoch, Instant queuedAt) {}

  /** The same content, ignoring when it was written (to skip writes that change nothing). */
  public boolean sameAs(QueueSnapshot other) {
    return other != null && waiting.equals(other.waiting) && running.equals(other.running);
  }
}
