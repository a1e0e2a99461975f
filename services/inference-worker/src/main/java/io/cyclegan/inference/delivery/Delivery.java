package io.cyclegan.inference.delivery;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record handed from the consumer to the pipeline. {@link #finish} is called once its result
 * (and, for a bad request, its dead letter) is acknowledged by the broker; only then may its offset
 * be committed. Every delivery ends in exactly one of {@link #finish} or {@link #abandon}, and only
 * a stop or a crash abandons: a stage that meets a transient fault {@linkplain #retried retries},
 * so no unfinished offset is left behind to freeze its partition's commits.
 */
public final class Delivery {
  private final ConsumerRecord<byte[], byte[]> record;
  private final OffsetTracker.Partition partition;
  private final InFlight inFlight;
  private final DeliveryMetrics metrics;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicInteger retries = new AtomicInteger();

  Delivery(
      ConsumerRecord<byte[], byte[]> record,
      OffsetTracker.Partition partition,
      InFlight inFlight,
      DeliveryMetrics metrics) {
    this.record = record;
    this.partition = partition;
    this.inFlight = inFlight;
    this.metrics = metrics;
  }

  public ConsumerRecord<byte[], byte[]> record() {
    return record;
  }

  /** Marks the record done: its offset may be committed. Idempotent. */
  public void finish() {
    if (finished.compareAndSet(false, true)) {
      partition.finish(record.offset());
      inFlight.release();
    }
  }

  /**
   * Forgets the record without making it committable. Only for a stop or a crash: its offset stays
   * uncommitted, and the next owner of the partition repeats it.
   */
  public void abandon() {
    if (finished.compareAndSet(false, true)) {
      metrics.abandoned.increment();
      inFlight.release();
    }
  }

  /**
   * Counts one more run of a stage after a transient fault; the delivery stays in flight. Returns
   * how many retries it has had, for the backoff.
   */
  public int retried() {
    metrics.retried.increment();
    return retries.incrementAndGet();
  }

  @Override
  public String toString() {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
