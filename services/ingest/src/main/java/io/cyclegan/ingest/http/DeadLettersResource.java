package io.cyclegan.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.deadletter.DeadLetterCursor;
import io.cyclegan.common.deadletter.DeadLetterEntry;
import io.cyclegan.common.deadletter.DeadLetterPage;
import io.cyclegan.common.deadletter.DeadLetterReader;
import io.cyclegan.common.deadletter.DeadLetterReplay;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ListPage;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's dead-letter topics (named from the configured topics and suffix; {@code {topic}}
 * is the dead-letter topic or its source topic), read and replayed a page at a time with the shared
 * {@link DeadLetterReader} and {@link DeadLetterReplay}, as the CLI does over Kafka:
 *
 * <ul>
 *   <li>{@code GET /dead-letters/{topic}?limit=&cursor=}: one page of records, with the fields of
 *       {@code cyclegan dlq list --verbose};
 *   <li>{@code POST /dead-letters/{topic}/replay} with {@code {"whereError", "dryRun", "limit",
 *       "cursor"}}: replays the matching records of one page onto their source topic and answers
 *       the counts and the cursor of the next page. Counted in {@code
 *       cyclegan_dlq_replayed_records_total{topic}}.
 * </ul>
 *
 * The cursor holds each partition's next offset and the end it had when the walk began, so a call
 * costs O(page), never the whole topic, and a walk ends even while records keep arriving.
 *
 * <p>Kafka consumers are not thread-safe, so the one consumer is used by one request at a time.
 */
public final class DeadLettersResource implements Resource {
  private static final Logger log = LoggerFactory.getLogger(DeadLettersResource.class);

  /** At most one page per poll. */
  public static final int MAX_POLL_RECORDS = Paging.MAX_LIMIT;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_JSON_BYTES = 16 * 1024;
  private static final int MAX_FILTER_CHARS = 1000;
  private static final Set<String> REPLAY_FIELDS =
      Set.of("whereError", "dryRun", "limit", "cursor");
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
  private final String dlqSuffix;
  private final Supplier<KafkaConsumer<byte[], byte[]>> consumers;
  private final Producer<byte[], byte[]> producer;
  private final MeterRegistry registry;
  private Bodies bodies;
  private KafkaConsumer<byte[], byte[]> consumer;
  private boolean closed;

  /**
   * @param consumers makes the (group-less) consumer on first use; it is closed by {@link #close()}
   * @param producer sends the replayed records (the API's producer; not closed here)
   * @param registry for {@code cyclegan_dlq_replayed_records_total}
   */
  public DeadLettersResource(
      Topics topics,
      Supplier<KafkaConsumer<byte[], byte[]>> consumers,
      Producer<byte[], byte[]> producer,
      MeterRegistry registry) {
    Map<String, String> names = new TreeMap<>();
    for (String topic : topics.all()) {
      names.put(topic, topics.dlq(topic));
      names.put(topics.dlq(topic), topics.dlq(topic));
    }
    this.dlqByName = Map.copyOf(names);
    this.dlqSuffix = topics.dlqSuffix();
    this.consumers = consumers;
    this.producer = producer;
    this.registry = registry;
  }

  /** The API's body reader (read timeout, size limit), given when the API is built. */
  void bodies(Bodies bodies) {
    this.bodies = bodies;
  }

  @Override
  public void register(Routes routes) {
    routes.on("GET", "/dead-letters/{topic}", this::list);
    routes.on("POST", "/dead-letters/{topic}/replay", this::replay);
  }

  private void list(Context ctx) {
    String dlq = dlq(ctx);
    Paging.Request request = Paging.of(ctx);
    Optional<DeadLetterPage> read = read(dlq, cursor(request.after()), request.limit(), p -> p);
    List<Letter> letters =
        read.map(p -> p.entries().stream().map(DeadLettersResource::letter).toList())
            .orElse(List.of());
    Optional<String> next = read.flatMap(DeadLetterPage::next).map(DeadLetterCursor::text);
    Map<String, Object> answer =
        Paging.answer(ctx, "letters", letters, new ListPage<>(letters, next), request.limit());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topic", dlq);
    out.putAll(answer);
    HttpApi.json(ctx, 200, out);
  }

  // POST /dead-letters/{topic}/replay {"whereError", "dryRun", "limit", "cursor"}: one page.
  private void replay(Context ctx) throws IOException {
    String dlq = dlq(ctx);
    JsonNode body = bodies.jsonObject(ctx, MAX_JSON_BYTES, true);
    if (body == null) {
      body = io.cyclegan.common.messages.MessageCodec.mapper().createObjectNode();
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!REPLAY_FIELDS.contains(field)) {
        throw ApiException.badRequest(
            "UNKNOWN_FIELD", "unknown field '" + field + "', expected some of " + REPLAY_FIELDS);
      }
    }
    String whereError = Params.text(body, "whereError");
    if (whereError != null && whereError.length() > MAX_FILTER_CHARS) {
      throw ApiException.badRequest(
          "INVALID_FILTER",
          "field 'whereError' is longer than " + MAX_FILTER_CHARS + " characters");
    }
    JsonNode dryRunNode = body.get("dryRun");
    if (dryRunNode != null && !dryRunNode.isNull() && !dryRunNode.isBoolean()) {
      throw ApiException.badRequest("INVALID_DRY_RUN", "field 'dryRun' must be true or false");
    }
    boolean dryRun = dryRunNode != null && dryRunNode.asBoolean(false);
    JsonNode limitNode = body.get("limit");
    if (limitNode != null && !limitNode.isNull() && !limitNode.isIntegralNumber()) {
      throw ApiException.badRequest(
          "INVALID_LIMIT", "field 'limit' must be an integer from 1 to " + Paging.MAX_LIMIT);
    }
    int limit;
    String after;
    try {
      limit = Paging.limit(limitNode == null || limitNode.isNull() ? null : limitNode.asText());
      after = Paging.after(Params.text(body, "cursor"));
    } catch (ApiException e) {
      // Paging names the query parameters; here they are fields of the body.
      throw ApiException.badRequest(e.reason(), e.getMessage().replace("query parameter", "field"));
    }
    DeadLetterCursor from = cursor(after);
    DeadLetterReplay replay = DeadLetterReplay.of(dlq, dlqSuffix, whereError);
    Replayed done = read(dlq, from, limit, page -> replayPage(replay, page, dryRun)).orElse(null);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topic", dlq);
    out.put("sourceTopic", replay.sourceTopic());
    out.put("dryRun", dryRun);
    out.put("scanned", done == null ? 0 : done.counts().scanned());
    out.put("matched", done == null ? 0 : done.counts().matched());
    out.put("replayed", done == null ? 0 : done.counts().replayed());
    if (done != null && done.next().isPresent()) {
      out.put("next", Paging.cursor(done.next().get().text()));
    }
    HttpApi.json(ctx, 200, out);
  }

  private record Replayed(DeadLetterReplay.Counts counts, Optional<DeadLetterCursor> next) {}

  private Replayed replayPage(DeadLetterReplay replay, DeadLetterPage page, boolean dryRun) {
    DeadLetterReplay.Counts counts;
    try {
      counts = replay.replay(producer, page.entries(), dryRun);
    } catch (DeadLetterReplay.UntrustedSourceException e) {
      throw new ApiException(422, "UNTRUSTED_SOURCE_TOPIC", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new io.cyclegan.ingest.routing.BatchResult.OutputNotDurableException(
          "a replayed record was not acknowledged: " + e.getCause(), e);
    }
    if (counts.replayed() > 0) {
      Counter.builder("cyclegan.dlq.replayed.records")
          .description("dead letters replayed onto their source topic over the HTTP API")
          .tag("topic", replay.sourceTopic())
          .register(registry)
          .increment(counts.replayed());
      log.info(
          "replayed {} of {} dead letters from {} onto {}",
          counts.replayed(),
          counts.scanned(),
          replay.dlq(),
          replay.sourceTopic());
    }
    return new Replayed(counts, page.next());
  }

  private String dlq(Context ctx) {
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
    return dlq;
  }

  private static DeadLetterCursor cursor(String after) {
    if (after == null) {
      return null;
    }
    try {
      return DeadLetterCursor.parse(after);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "INVALID_CURSOR", "the cursor is not a cursor this API gave out; start again without it");
    }
  }

  /** Reads a page and acts on it while no other request uses the consumer. */
  private synchronized <T> Optional<T> read(
      String dlq, DeadLetterCursor from, int limit, Function<DeadLetterPage, T> then) {
    if (closed) {
      throw new TimeoutException("the API is closing");
    }
    if (consumer == null) {
      consumer = consumers.get();
    }
    // A topic not created yet: nothing was dead-lettered.
    return new DeadLetterReader(consumer, READ_TIMEOUT).page(dlq, from, limit).map(then);
  }

  private static Letter letter(DeadLetterEntry entry) {
    var r = entry.record();
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    DeadLetter d = entry.letter();
    if (d == null) {
      return new Letter(
          r.partition(),
          r.offset(),
          key,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          entry.problem());
    }
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
  }

  /** Closes the consumer, once no request uses it. */
  synchronized void close() {
    closed = true;
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(1));
    }
  }
}
