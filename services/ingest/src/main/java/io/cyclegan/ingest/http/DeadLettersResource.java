package io.cyclegan.ingest.http;

import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ListPage;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * {@code GET /dead-letters/{topic}?limit=&cursor=}: one page of a dead-letter topic's records, with
 * the fields of {@code cyclegan dlq list --verbose}. Only the pipeline's own dead-letter topics
 * (named from the configured topics and suffix) can be read; {@code {topic}} is the dead-letter
 * topic or its source topic. The cursor holds the next offset of each partition, so a call assigns
 * the partitions, seeks there and reads at most one page: O(page) records, never the whole topic.
 *
 * <p>Kafka consumers are not thread-safe, so the one consumer is used by one request at a time.
 */
public final class DeadLettersResource implements Resource {
  /** At most one page per poll. */
  public static final int MAX_POLL_RECORDS = Paging.MAX_LIMIT;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final java.util.regex.Pattern LEGAL_TOPIC =
      java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** One dead letter as the API shows it. */
  record Letter(
      int partition,
      long offset,
      String key,
      String stage,
      String errorClass,
      String error,
      String sourceTopic,
      Integer sourcePartition,
      Long sourceOffset,
      String time,
      String problem) {}

  private final Map<String, String> dlqByName;
  private final Supplier<KafkaConsumer<byte[], byte[]>> consumers;
  private KafkaConsumer<byte[], byte[]> consumer;
  private boolean closed;

  /**
   * @param consumers makes the (group-less) consumer on first use; it is closed by {@link #close()}
   */
  public DeadLettersResource(Topics topics, Supplier<KafkaConsumer<byte[], byte[]>> consumers) {
    Map<String, String> names = new TreeMap<>();
    for (String topic : topics.all()) {
      names.put(topic, topics.dlq(topic));
      names.put(topics.dlq(topic), topics.dlq(topic));
    }
    this.dlqByName = Map.copyOf(names);
    this.consumers = consumers;
  }

  @Override
  public void register(Routes routes) {
    routes.on("GET", "/dead-letters/{topic}", this::list);
  }

  private void list(Context ctx) {
    String name = ctx.pathParam("topic");
    if (!LEGAL_TOPIC.matcher(name).matches()) {
      throw ApiException.badRequest(
          "INVALID_TOPIC",
          "path parameter 'topic' must be a Kafka topic name ([a-zA-Z0-9._-]{1,249})");
    }
    String dlq = dlqByName.get(name);
    if (dlq == null) {
      // The name is untrusted: it is not echoed.
      throw ApiException.notFound(
          "no such dead-letter topic; use a pipeline topic or its dead-letter topic");
    }
    Paging.Request request = Paging.of(ctx);
    Map<Integer, Long> from = request.after() == null ? Map.of() : positions(request.after());
    Page page = read(dlq, from, request.limit());
    Map<String, Object> answer =
        Paging.answer(ctx, "letters", page.letters(), page.listPage(), request.limit());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topic", dlq);
    out.putAll(answer);
    HttpApi.json(ctx, 200, out);
  }

  private record Page(List<Letter> letters, Map<Integer, Long> next, boolean more) {
    ListPage<Letter> listPage() {
      return new ListPage<>(letters, more ? Optional.of(encode(next)) : Optional.empty());
    }
  }

  /** The cursor's content: {@code partition=offset} pairs, comma-separated. */
  static String encode(Map<Integer, Long> positions) {
    return positions.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  static Map<Integer, Long> positions(String cursor) {
    Map<Integer, Long> out = new TreeMap<>();
    try {
      for (String pair : cursor.split(",", -1)) {
        String[] parts = pair.split("=", -1);
        if (parts.length != 2) {
          throw new NumberFormatException(pair);
        }
        int partition = Integer.parseInt(parts[0]);
        long offset = Long.parseLong(parts[1]);
        if (partition < 0 || offset < 0 || out.put(partition, offset) != null) {
          throw new NumberFormatException(pair);
        }
      }
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "INVALID_CURSOR",
          "query parameter 'cursor' is not a cursor this API gave out; start again without it");
    }
    return out;
  }

  private synchronized Page read(String dlq, Map<Integer, Long> from, int limit) {
    if (closed) {
      throw new TimeoutException("the API is closing");
    }
    if (consumer == null) {
      consumer = consumers.get();
    }
    try {
      return readPage(dlq, from, limit);
    } finally {
      consumer.unsubscribe();
    }
  }

  private Page readPage(String dlq, Map<Integer, Long> from, int limit) {
    List<PartitionInfo> infos = consumer.partitionsFor(dlq, READ_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      return new Page(List.of(), Map.of(), false); // not created yet: nothing dead-lettered
    }
    List<TopicPartition> partitions =
        infos.stream()
            .map(i -> new TopicPartition(dlq, i.partition()))
            .sorted(Comparator.comparingInt(TopicPartition::partition))
            .toList();
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, READ_TIMEOUT);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
    Map<Integer, Long> next = new TreeMap<>();
    for (TopicPartition tp : partitions) {
      long position = from.getOrDefault(tp.partition(), 0L);
      next.put(tp.partition(), Math.min(Math.max(position, begin.get(tp)), end.get(tp)));
    }
    List<Letter> letters = new ArrayList<>();
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    for (TopicPartition tp : partitions) {
      long stop = end.get(tp);
      if (letters.size() >= limit || next.get(tp.partition()) >= stop) {
        continue;
      }
      consumer.assign(List.of(tp));
      consumer.seek(tp, next.get(tp.partition()));
      while (letters.size() < limit && next.get(tp.partition()) < stop) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("reading " + tp + " took longer than " + READ_TIMEOUT);
        }
        ConsumerRecords<byte[], byte[]> records =
            consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
        boolean full = false;
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          if (r.offset() >= stop) {
            break;
          }
          letters.add(letter(r));
          next.put(tp.partition(), r.offset() + 1);
          if (letters.size() >= limit) {
            full = true;
            break;
          }
        }
        if (!full) {
          // Past transaction markers and compacted gaps too.
          next.put(
              tp.partition(),
              Math.min(Math.max(next.get(tp.partition()), consumer.position(tp)), stop));
        }
      }
    }
    boolean more = partitions.stream().anyMatch(tp -> next.get(tp.partition()) < end.get(tp));
    return new Page(letters, next, more);
  }

  private static Letter letter(ConsumerRecord<byte[], byte[]> r) {
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    try {
      DeadLetter d = DeadLetter.fromHeaders(r.headers());
      Instant time = d.time();
      return new Letter(
          r.partition(),
          r.offset(),
          key,
          d.stage(),
          d.errorClass(),
          d.errorMessage(),
          d.sourceTopic(),
          d.sourcePartition(),
          d.sourceOffset(),
          time == null ? null : time.toString(),
          null);
    } catch (MessageFormatException | IllegalArgumentException | java.time.DateTimeException e) {
      return new Letter(
          r.partition(), r.offset(), key, null, null, null, null, null, null, null, e.getMessage());
    }
  }

  /** Closes the consumer, once no request uses it. */
  synchronized void close() {
    closed = true;
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(1));
    }
  }
}
