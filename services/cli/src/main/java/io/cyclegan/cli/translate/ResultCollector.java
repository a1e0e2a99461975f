package io.cyclegan.cli.translate;

import io.cyclegan.cli.topics.RecordText;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.TranslateResult;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Waits for an answer to each pending request: a result on the results topic (matched by request
 * id), or its image on the images topic's dead-letter queue (matched by key), which is how the
 * ingest service turns away what it cannot read.
 */
final class ResultCollector {
  private final TopicReader reader;
  private final String resultsTopic;
  private final String imagesDlq;

  /** The reader must already be assigned at the offsets taken before the requests were sent. */
  ResultCollector(TopicReader reader, String resultsTopic, String imagesDlq) {
    this.reader = reader;
    this.resultsTopic = resultsTopic;
    this.imagesDlq = imagesDlq;
  }

  /** Fills in {@code requests} (by request id) until all are done or the time is up. */
  void collect(Map<String, Request> requests, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (requests.values().stream().anyMatch(r -> !r.isDone())
        && System.nanoTime() - deadline < 0) {
      for (ConsumerRecord<byte[], byte[]> record : reader.poll()) {
        if (record.topic().equals(resultsTopic)) {
          onResult(requests, record);
        } else if (record.topic().equals(imagesDlq)) {
          onDeadLetter(requests, record);
        }
      }
    }
  }

  private static void onResult(
      Map<String, Request> requests, ConsumerRecord<byte[], byte[]> record) {
    String key = RecordText.key(record);
    if (key != null && !requests.containsKey(key)) {
      return; // someone else's result: not worth parsing
    }
    TranslateResult result;
    try {
      result = MessageCodec.decode(record.value(), TranslateResult.class);
    } catch (MessageFormatException e) {
      if (key != null) {
        requests.computeIfPresent(key, (id, r) -> r.failed("unreadable result: " + e.getMessage()));
      }
      return;
    }
    requests.computeIfPresent(
        result.requestId(), (id, r) -> r.result() == null ? r.answered(result) : r);
  }

  private static void onDeadLetter(
      Map<String, Request> requests, ConsumerRecord<byte[], byte[]> record) {
    String key = RecordText.key(record);
    if (key == null) {
      return;
    }
    String reason = RecordText.header(record, Headers.ERROR_MESSAGE).orElse("no reason given");
    // A result, when one also comes, says more than the dead letter: keep it.
    requests.computeIfPresent(key, (id, r) -> r.isDone() ? r : r.failed("rejected: " + reason));
  }
}
