package io.cyclegan.cli.training;

import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.console.LiveLine;
import io.cyclegan.cli.topics.RecordText;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.training.job.JobEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows one job on the events topic until it ends. It reads every partition from the beginning,
 * so a follower started late (or after the job's first events) still sees the whole story.
 *
 * <p>After {@code train} sent a start, only events written after the send decide the outcome: older
 * ones belong to an earlier run under the same id, and the worker answers that start with {@code
 * duplicate}.
 */
final class JobFollower {
  private final TopicReader reader;
  private final String eventsTopic;
  private final String jobId;
  private final Map<TopicPartition, Long> sentAt;
  private final TrainingPlan plan;
  private final LiveLine line;

  /**
   * @param sentAt the events topic's end offsets taken just before a start was sent; {@code null}
   *     when following a job without sending anything
   */
  JobFollower(
      TopicReader reader,
      String eventsTopic,
      String jobId,
      Map<TopicPartition, Long> sentAt,
      TrainingPlan plan,
      LiveLine line) {
    this.reader = reader;
    this.eventsTopic = eventsTopic;
    this.jobId = jobId;
    this.sentAt = sentAt;
    this.plan = plan;
    this.line = line;
  }

  /**
   * @param timeout how long to follow; {@link Duration#ZERO} for as long as the job runs
   * @return the exit status: the job's outcome, or a timeout
   */
  int follow(Duration timeout) {
    Map<TopicPartition, Long> beginning = reader.beginningOffsets(List.of(eventsTopic));
    if (beginning.isEmpty()) {
      throw new IllegalStateException("topic " + eventsTopic + " does not exist");
    }
    reader.assignAt(beginning);
    boolean unlimited = timeout.isZero();
    long deadline = System.nanoTime() + timeout.toNanos();
    TrainingEvent last = null;
    while (unlimited || System.nanoTime() - deadline < 0) {
      for (ConsumerRecord<byte[], byte[]> record : reader.poll()) {
        TrainingEvent event = decode(record);
        if (event == null || !jobId.equals(event.jobId())) {
          continue;
        }
        Integer outcome = show(event, record, last);
        last = event;
        if (outcome != null) {
          line.finish();
          return outcome;
        }
      }
    }
    line.println(
        "stopped following job "
            + jobId
            + " after "
            + timeout.toSeconds()
            + " s; it may still run");
    return ExitCodes.TIMEOUT;
  }

  /** Shows the event; returns the exit status when it ends the follow. */
  private Integer show(
      TrainingEvent event, ConsumerRecord<byte[], byte[]> record, TrainingEvent previous) {
    boolean isNew = isNew(record);
    switch (event.type()) {
      case progress -> {
        line.update(ProgressFormat.progress(event, plan));
        return null;
      }
      case duplicate -> {
        if (sentAt != null && isNew) {
          line.println(
              "job "
                  + jobId
                  + " already exists"
                  + (previous == null ? "" : " (last event: " + previous.type() + ")")
                  + "; the start was ignored. Follow it with: cyclegan job "
                  + jobId
                  + " --follow");
          return ExitCodes.EXISTS;
        }
        return null;
      }
      default -> {
        line.println(
            ProgressFormat.event(
                event,
                RecordText.header(record, JobEvents.DEVICE_HEADER).orElse(null),
                RecordText.header(record, JobEvents.THREADS_HEADER).orElse(null)));
        if (!isNew) {
          return null;
        }
        return switch (event.type()) {
          case completed -> ExitCodes.OK;
          case failed, cancelled -> ExitCodes.FAILED;
          default -> null;
        };
      }
    }
  }

  private boolean isNew(ConsumerRecord<byte[], byte[]> record) {
    if (sentAt == null) {
      return true;
    }
    long mark = sentAt.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L);
    return record.offset() >= mark;
  }

  private TrainingEvent decode(ConsumerRecord<byte[], byte[]> record) {
    // The key is the job id: skip other jobs' events without parsing them.
    String key = RecordText.key(record);
    if (key != null && !key.equals(jobId)) {
      return null;
    }
    try {
      return MessageCodec.decode(record.value(), TrainingEvent.class);
    } catch (MessageFormatException e) {
      line.println(
          "skipping an unreadable event at "
              + record.topic()
              + "/"
              + record.partition()
              + "@"
              + record.offset()
              + ": "
              + e.getMessage());
      return null;
    }
  }
}
