package io.cyclegan.inference.delivery;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record handed from the consumer to the pipeline. {@link #finish} is called once its result
 * (and, for a bad request, its dead letter) is acknowledged by the broker; only then may its offset
 * be committed.
 */
public final class Delivery {
  private final ConsumerRecord<byte[], byte[]> record;
  private final OffsetTracker.Partition partition;
  private final InFlight inFlight;
  private final AtomicBoolean finished = new AtomicBoolean();

  Delivery(
      ConsumerRecord<byte[], byte[]> record, OffsetTracker.Partition partition, InFlight inFlight) {
    this.record = record;
    this.partition = partition;
    this.inFlight = inFlight;
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
   * Forgets the record without making it committable (a crash, or a stop that ran out of time): it
   * will be redelivered.
   */
  public void abandon() {
    if (finished.compareAndSet(false, true)) {
      inFlight.release();
    }
  }

  @Override
  public String toString() {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
