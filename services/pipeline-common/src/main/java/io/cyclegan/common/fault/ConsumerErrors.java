package io.cyclegan.common.fault;

import io.cyclegan.common.runtime.DeadLetters;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one consumer-error policy of every poll loop (ingest's images consumer, the training command
 * loop, the inference request consumer), sorted as apache/kafka's example {@code Consumer} does:
 * errors no retry can fix stop the loop (and the loop reports itself dead, so the pod restarts and
 * an operator sees why); a lost position resets it; everything else, transient faults first of all,
 * retries the same records after a backoff, never skipping them.
 */
public final class ConsumerErrors {
  private ConsumerErrors() {}

  /** What the loop does about an error. */
  public enum Action {
    /**
     * Stop consuming and report the service unhealthy: credentials, rights, a fenced id, a missing
     * dead-letter topic.
     */
    STOP,
    /** The committed offset is gone (retention): start the partitions again from the earliest. */
    RESET_OFFSETS,
    /** Rewind to the batch's first offsets and process it again after a backoff. */
    RETRY_BATCH
  }

  public static Action classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeadLetters.DeadLetterTopicException) {
        return Action.STOP;
      }
    }
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
