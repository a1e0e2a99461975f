package io.cyclegan.ingest.consumer;

import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Sorts what the poll loop catches, as apache/kafka's example {@code Consumer} does: errors no
 * retry can fix stop the loop; a lost position resets it; everything else retries the batch.
 */
final class ConsumerErrors {
  private ConsumerErrors() {}

  /** What the loop does about an error. */
  enum Action {
    /** Stop consuming and report the service unhealthy: credentials, rights, a fenced id. */
    STOP,
    /** The committed offset is gone (retention): start the partitions again from the earliest. */
    RESET_OFFSETS,
    /** Rewind to the batch's first offsets and process it again after a backoff. */
    RETRY_BATCH
  }

  static Action classify(Throwable e) {
    if (e instanceof AuthenticationException
        || e instanceof AuthorizationException
        || e instanceof FencedInstanceIdException
        || e instanceof InvalidGroupIdException
        || e instanceof UnsupportedVersionException) {
      return Action.STOP;
    }
    if (e instanceof OffsetOutOfRangeException || e instanceof NoOffsetForPartitionException) {
      return Action.RESET_OFFSETS;
    }
    return Action.RETRY_BATCH;
  }
}
