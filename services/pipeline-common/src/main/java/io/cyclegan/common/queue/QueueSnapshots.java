package io.cyclegan.common.queue;

import com.fasterxml.jackson.databind.ObjectReader;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.BoundedBytes;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads the queue snapshot, {@value #KEY}: the one reader the HTTP API and the CLI
 * share. What is read is untrusted (anyone with write access to the bucket may have put it there):
 * a document larger than {@link #MAX_BYTES}, of another schema, or whose entries break the rules
 * below (a valid job name, positions 1..N in order, a worker id of the instance-id alphabet, a job
 * named once) is treated as no snapshot, so it takes away the detail and never the jobs.
 */
public final class QueueSnapshots {
  private static final Logger log = LoggerFactory.getLogger(QueueSnapshots.class);

  /** The snapshot's key. */
  public static final String KEY = "training/queue.json";

  /**
   * The largest snapshot read: about 25,000 queued jobs at some 160 bytes each, far beyond a real
   * queue, and a bound on what one API call reads.
   */
  public static final int MAX_BYTES = 4 << 20;

  // The alphabet of CYCLEGAN_INSTANCE_ID (ServiceSettings), which names the workers.
  private static final Pattern WORKER = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  // A newer worker may add fields: they are ignored, the known ones are still checked.
  private static final ObjectReader READER =
      MessageCodec.documentReader().forType(QueueSnapshot.class);

  private QueueSnapshots() {}

  /** Writes the snapshot (one PUT of the whole document). */
  public static void write(ObjectStore store, QueueSnapshot snapshot) {
    store.putJson(KEY, snapshot);
  }

  /**
   * The snapshot, validated; empty when none was written or the stored one is unreadable (logged,
   * without its content). A store fault is the caller's, as for any other read.
   */
  public static Optional<QueueSnapshot> read(ObjectStore store) {
    Optional<BoundedBytes> bytes = store.getAtMost(KEY, MAX_BYTES);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    if (bytes.get().tooLarge()) {
      log.warn("{} is larger than {} bytes: shown as no queue", KEY, MAX_BYTES);
      return Optional.empty();
    }
    try {
      return Optional.of(parse(bytes.get().bytes()));
    } catch (IllegalArgumentException e) {
      log.warn("{} is not a valid queue snapshot, shown as no queue: {}", KEY, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Reads and checks a snapshot document.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static QueueSnapshot parse(byte[] bytes) {
    QueueSnapshot s;
    try {
      s = READER.readValue(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a queue snapshot document", e);
    }
    if (s == null || !QueueSnapshot.SCHEMA.equals(s.schema())) {
      throw new IllegalArgumentException("schema is not " + QueueSnapshot.SCHEMA);
    }
    if (s.updatedAt() == null) {
      throw new IllegalArgumentException("updatedAt is missing");
    }
    Set<String> seen = new HashSet<>();
    int expected = 1;
    for (QueueSnapshot.Waiting w : s.waiting()) {
      job(w == null ? null : w.jobId(), seen);
      if (w.position() != expected++) {
        throw new IllegalArgumentException("waiting positions are not 1, 2, 3... in order");
      }
    }
    for (QueueSnapshot.Running r : s.running()) {
      job(r == null ? null : r.jobId(), seen);
      if (r.worker() == null || !WORKER.matcher(r.worker()).matches()) {
        throw new IllegalArgumentException("a running job's worker is not a worker id");
      }
      if (r.leaseEpoch() < 0) {
        throw new IllegalArgumentException("a running job's lease epoch is negative");
      }
    }
    return s;
  }

  private static void job(String jobId, Set<String> seen) {
    if (jobId == null || !Names.isValid(jobId)) {
      throw new IllegalArgumentException("an entry's jobId is not a valid job name");
    }
    if (!seen.add(jobId)) {
      throw new IllegalArgumentException("job " + jobId + " is listed twice");
    }
  }

  /** Each job of the snapshot with its place. */
  public static Map<String, QueuePlace> places(QueueSnapshot snapshot) {
    Map<String, QueuePlace> places = new HashMap<>();
    int waiting = snapshot.waiting().size();
    snapshot
        .waiting()
        .forEach(w -> places.put(w.jobId(), QueuePlace.waiting(w, waiting, snapshot.updatedAt())));
    snapshot
        .running()
        .forEach(r -> places.put(r.jobId(), QueuePlace.running(r, snapshot.updatedAt())));
    return places;
  }
}
