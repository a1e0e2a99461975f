package io.cyclegan.cli.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.listing.ApiCursor;
import io.cyclegan.common.deadletter.DeadLetterCursor;
import io.cyclegan.common.deadletter.DeadLetterEntry;
import io.cyclegan.common.deadletter.DeadLetterPage;
import io.cyclegan.common.deadletter.DeadLetterReader;
import io.cyclegan.common.messages.Topics;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * A dead-letter topic a page at a time, over either transport: over Kafka with the shared {@link
 * DeadLetterReader} (the one the HTTP API uses), over the API with {@code GET
 * /dead-letters/{topic}}. Both walk the topic as it was when the walk began, so a walk ends even
 * while services keep dead-lettering.
 */
final class DeadLetterScan {
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

  /** One page: its letters (read by {@code toLetter}) and the cursor of the next, if any. */
  record Page<T>(List<T> items, Optional<String> next) {}

  private DeadLetterScan() {}

  /** The DLQ of {@code topic}, or {@code topic} itself when it already is one. */
  static String dlqTopic(Topics topics, String topic) {
    return topic.endsWith(topics.dlqSuffix()) ? topic : topics.dlq(topic);
  }

  /**
   * One page of at most {@code limit} records from {@code cursor} (null: the beginning), over
   * Kafka.
   *
   * @throws IllegalArgumentException when the topic does not exist or the cursor is not one
   */
  static Page<DeadLetterEntry> page(
      Consumer<byte[], byte[]> consumer, String dlq, String cursor, int limit) {
    DeadLetterPage page =
        new DeadLetterReader(consumer, READ_TIMEOUT)
            .page(dlq, cursor == null ? null : parse(cursor), limit)
            .orElseThrow(() -> new IllegalArgumentException("topic " + dlq + " does not exist"));
    return new Page<>(page.entries(), page.next().map(DeadLetterCursor::text));
  }

  /**
   * One page of {@code GET /dead-letters/{topic}}: the letters as the API shows them. The cursor is
   * the same text as over Kafka: the API's opaque cursor holds it ({@link ApiCursor}), so a walk
   * begun on one transport goes on over the other.
   */
  static Page<JsonNode> page(ApiClient api, String topic, String cursor, int limit) {
    String path =
        "/dead-letters/"
            + URLEncoder.encode(topic, StandardCharsets.UTF_8)
            + "?limit="
            + limit
            + (cursor == null
                ? ""
                : "&cursor=" + URLEncoder.encode(ApiCursor.of(cursor), StandardCharsets.UTF_8));
    JsonNode doc =
        api.getJson(path)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        topic + " is not a topic of the pipeline or its dead-letter topic"));
    List<JsonNode> letters = new ArrayList<>();
    doc.path("letters").forEach(letters::add);
    String next = doc.path("next").asText(null);
    return new Page<>(
        letters,
        next == null || next.isEmpty() ? Optional.empty() : Optional.of(ApiCursor.name(next)));
  }

  /**
   * Checks a cursor given with {@code --after} before it reaches Kafka or the API.
   *
   * @throws IllegalArgumentException when it is not one {@code cyclegan dlq list} printed
   */
  static DeadLetterCursor parse(String cursor) {
    try {
      return DeadLetterCursor.parse(cursor);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--after must be a cursor a previous 'cyclegan dlq list' printed (partition=offset:end"
              + " pairs), was '"
              + cursor
              + "'",
          e);
    }
  }
}
