package io.cyclegan.inference.delivery;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed. Requests finish out of order (batches of different models, a slow
 * upload), so per partition it keeps the offsets handed to the pipeline and not yet finished; the
 * committable position is the lowest unfinished offset, or one past the highest seen when none is
 * unfinished. Committing it never skips a request whose result is not published.
 *
 * <p>Each assignment of a partition gets a new {@link Partition}: a request that finishes after its
 * partition was revoked marks the old one, which nobody commits any more.
 *
 * <p>Thread-safe: the consumer thread starts and commits, the publishing threads finish.
 */
public final class OffsetTracker {
  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  /** One assignment of one partition. */
  public static final class Partition {
    private final TopicPartition topicPartition;
    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long nextOffset = -1;
    private long committed = -1;

    private Partition(TopicPartition topicPartition) {
      this.topicPartition = topicPartition;
    }

    /** Marks the request at {@code offset} as finished: its result is published. */
    public synchronized void finish(long offset) {
      unfinished.remove(offset);
    }

    synchronized void start(long offset) {
      if (committed < 0) {
        committed = offset; // where this assignment started reading: nothing new to commit yet
      }
      unfinished.add(offset);
      nextOffset = Math.max(nextOffset, offset + 1);
    }

    /** The offset to commit (the next one to read), or -1 when there is nothing new. */
    synchronized long committable() {
      long position = unfinished.isEmpty() ? nextOffset : unfinished.first();
      return position > committed ? position : -1;
    }

    synchronized void committed(long position) {
      committed = Math.max(committed, position);
    }

    public synchronized int unfinished() {
      return unfinished.size();
    }
  }

  /** Starts tracking a newly assigned partition (replacing a previous assignment's state). */
  public synchronized Partition assign(TopicPartition tp) {
    Partition p = new Partition(tp);
    partitions.put(tp, p);
    return p;
  }

  /** Stops tracking; later finishes of its requests are ignored. */
  public synchronized void revoke(Collection<TopicPartition> tps) {
    tps.forEach(partitions::remove);
  }

  /** Records that the request at {@code offset} entered the pipeline. */
  public synchronized Partition start(TopicPartition tp, long offset) {
    Partition p = partitions.computeIfAbsent(tp, Partition::new);
    p.start(offset);
    return p;
  }

  /** The offsets to commit now for the given partitions (all tracked ones when null). */
  public synchronized Map<TopicPartition, OffsetAndMetadata> committable(
      Collection<TopicPartition> only) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (Partition p : partitions.values()) {
      if (only != null && !only.contains(p.topicPartition)) {
        continue;
      }
      long position = p.committable();
      if (position >= 0) {
        out.put(p.topicPartition, new OffsetAndMetadata(position));
      }
    }
    return out;
  }

  /** Records a successful commit, so the same position is not committed again. */
  public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, om) -> {
          Partition p = partitions.get(tp);
          if (p != null) {
            p.committed(om.offset());
          }
        });
  }

  /** Requests started and not finished in the given partitions (all when null). */
  public synchronized int unfinished(Collection<TopicPartition> only) {
    int n = 0;
    for (Partition p : partitions.values()) {
      if (only == null || only.contains(p.topicPartition)) {
        n += p.unfinished();
      }
    }
    return n;
  }
}
