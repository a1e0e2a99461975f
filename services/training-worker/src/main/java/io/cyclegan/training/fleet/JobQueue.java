package io.cyclegan.training.fleet;

import io.cyclegan.common.queue.QueueSnapshot;
import io.cyclegan.common.queue.QueueSnapshots;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fleet's queue of unfinished jobs: one empty marker per job, {@code
 * training/queue/{queuedAtMillis}-{jobId}}, so one listing of a prefix that holds only unfinished
 * jobs gives them oldest first (cost O(queue), not O(every job ever)). A job is put in the queue
 * when its start is accepted (before the command's offset is committed) and taken out by the worker
 * that finishes it, after its final state and event. Whether a queued job is waiting or running is
 * its lease's business ({@link Leases}).
 *
 * <p>A cancel of a job that runs elsewhere is a marker beside its state, {@code
 * jobs/{jobId}/cancel-requested}, which the holder checks at each renewal.
 */
public final class JobQueue {
  static final String PREFIX = "training/queue/";

  /** The public snapshot of the queue, for people, the CLI and the API. */
  public static final String SNAPSHOT = QueueSnapshots.KEY;

  private final ObjectStore store;

  public JobQueue(ObjectStore store) {
    this.store = store;
  }

  /** One queued job. */
  public record Entry(String key, String jobId, Instant queuedAt) {}

  static String key(String jobId, Instant queuedAt) {
    return PREFIX + String.format("%013d", queuedAt.toEpochMilli()) + "-" + jobId;
  }

  /** Puts the job in the queue (idempotent: the same job and time give the same key). */
  public void add(String jobId, Instant queuedAt) {
    store.put(key(jobId, queuedAt), new byte[0], "application/octet-stream");
  }

  /** Takes the job out of the queue. */
  public void remove(String jobId, Instant queuedAt) {
    store.delete(key(jobId, queuedAt));
  }

  /** The queued jobs, oldest first; keys not written by the pipeline are left out. */
  public List<Entry> list() {
    List<Entry> out = new ArrayList<>();
    for (ObjectInfo o : store.list(PREFIX)) {
      parse(o.key()).ifPresent(out::add);
    }
    return out;
  }

  static Optional<Entry> parse(String key) {
    String rest = key.substring(PREFIX.length());
    int dash = rest.indexOf('-');
    if (dash != 13) {
      return Optional.empty();
    }
    try {
      long millis = Long.parseLong(rest.substring(0, dash));
      String jobId = rest.substring(dash + 1);
      if (!Names.isValid(jobId)) {
        return Optional.empty();
      }
      return Optional.of(new Entry(key, jobId, Instant.ofEpochMilli(millis)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String cancelKey(String jobId) {
    return io.cyclegan.common.store.ObjectKeys.jobPrefix(jobId) + "cancel-requested";
  }

  /** Records that a cancel of the job arrived while it was queued or ran elsewhere. */
  public void requestCancel(String jobId) {
    store.put(cancelKey(jobId), new byte[0], "application/octet-stream");
  }

  public boolean cancelRequested(String jobId) {
    return store.exists(cancelKey(jobId));
  }

  /** Writes the public snapshot (one PUT of the whole document). */
  public void writeSnapshot(QueueSnapshot snapshot) {
    QueueSnapshots.write(store, snapshot);
  }
}
