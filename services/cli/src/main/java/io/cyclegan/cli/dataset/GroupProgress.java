package io.cyclegan.cli.dataset;

import io.cyclegan.cli.console.ProgressBar;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Learns that a service has processed records without any reply in the contract: a consumer group
 * commits an offset only after it has finished with every record before it (ingest commits after
 * storing an image or dead-lettering it), so a committed offset past a record's offset means that
 * record's outcome is final.
 */
final class GroupProgress {
  private static final long CHECK_EVERY_MS = 300;

  private final AdminClient admin;
  private final String group;

  GroupProgress(AdminClient admin, String group) {
    this.admin = admin;
    this.group = group;
  }

  /**
   * Waits until the group has committed past every sent record.
   *
   * @return how many of the records the group has processed; all of them unless time ran out
   */
  int awaitProcessed(List<SentFile> sent, Duration timeout, ProgressBar bar)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int processed = 0;
    while (true) {
      processed = countProcessed(sent, committed());
      bar.step(processed, "processed by group " + group);
      if (processed == sent.size() || System.nanoTime() > deadline) {
        return processed;
      }
      // Polling an external system's state: there is no notification to wait on.
      TimeUnit.MILLISECONDS.sleep(CHECK_EVERY_MS);
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() throws InterruptedException {
    try {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return Map.of(); // a slow coordinator: ask again
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException
          || e.getCause() instanceof GroupIdNotFoundException) {
        return Map.of(); // the group has not started yet, or the coordinator is moving
      }
      throw new IllegalStateException(
          "cannot read the committed offsets of group " + group + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  static int countProcessed(List<SentFile> sent, Map<TopicPartition, OffsetAndMetadata> committed) {
    int count = 0;
    for (SentFile file : sent) {
      OffsetAndMetadata offset = committed.get(file.partition());
      if (offset != null && offset.offset() > file.metadata().offset()) {
        count++;
      }
    }
    return count;
  }
}
