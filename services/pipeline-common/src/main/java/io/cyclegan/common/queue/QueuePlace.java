package io.cyclegan.common.queue;

import java.time.Instant;

/**
 * Where one job stands in the training fleet's queue, from the {@link QueueSnapshot}: waiting at a
 * position, or held by a worker under a lease epoch. The HTTP API adds it to a job's state as
 * {@code "queue"}; the CLI shows it as {@link #text()}, the same on both transports.
 *
 * @param status {@code waiting} or {@code running}
 * @param position 1 runs next (waiting only)
 * @param waiting how many jobs wait in all (waiting only)
 * @param worker the worker that holds the job (running only)
 * @param leaseEpoch the fencing epoch of its lease (running only)
 * @param queuedAt when the job entered the queue
 * @param asOf when the snapshot was written
 */
public record QueuePlace(
    String status,
    Integer position,
    Integer waiting,
    String worker,
    Long leaseEpoch,
    Instant queuedAt,
    Instant asOf) {
  public static final String WAITING = "waiting";
  public static final String RUNNING = "running";

  static QueuePlace waiting(QueueSnapshot.Waiting w, int waiting, Instant asOf) {
    return new QueuePlace(WAITING, w.position(), waiting, null, null, w.queuedAt(), asOf);
  }

  static QueuePlace running(QueueSnapshot.Running r, Instant asOf) {
    return new QueuePlace(RUNNING, null, null, r.worker(), r.leaseEpoch(), r.queuedAt(), asOf);
  }

  /** {@code queued P/N} while waiting, {@code on WORKER} while a worker holds the job. */
  public String text() {
    return RUNNING.equals(status) ? "on " + worker : "queued " + position + "/" + waiting;
  }
}
