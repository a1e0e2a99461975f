package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /dead-letters/{topic}}: a paged walk over a real two-partition dead-letter topic;
 * {@code POST /dead-letters/{topic}/replay}: a paged replay onto the source topic, and the trust
 * rule.
 */
@ExtendWith(LocalStackExtension.class)
class DeadLettersIT {
  private static final int LETTERS = 5;

  private static IngestService service;
  private static String topic;
  private static String dlq;
  private static String events;
  private static String models;

  @BeforeAll
  static void start(LocalStack stack) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    topic = "it.dlq.images." + id;
    dlq = topic + ".dlq";
    StackFixtures.createTopics(stack, topic, 1);
    try (Admin admin = StackFixtures.admin(stack)) {
      admin.createPartitions(Map.of(dlq, NewPartitions.increaseTo(2))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack)) {
      for (int i = 0; i < LETTERS; i++) {
        byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>(topic, 0, i, key, new byte[1]);
        producer
            .send(
                DeadLetter.of("decode", "INVALID_IMAGE", "not an image " + i, source)
                    .toRecord(dlq, source))
            .get();
      }
    }
    // Topics ingest does not consume: a replay onto them is read back by this test alone.
    events = "it.dlq.events." + id;
    models = "it.dlq.models." + id;
    StackFixtures.createTopics(stack, events, 1);
    StackFixtures.createTopics(stack, models, 1);
    try (KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack)) {
      producer.send(letter(events, "ev-0", 0, "model zebra not found")).get();
      producer.send(letter(events, "ev-1", 1, "image too large")).get();
      producer.send(letter(events, "ev-2", 2, "model ZEBRA not found")).get();
      // Headers are untrusted: this one names a topic that is not the DLQ's own source.
      ConsumerRecord<byte[], byte[]> forged =
          new ConsumerRecord<>("__consumer_offsets", 0, 0, new byte[] {1}, new byte[] {2});
      producer.send(DeadLetter.of("x", "E", "forged", forged).toRecord(models + ".dlq", forged));
    }
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_TRAINING_EVENTS",
                    events,
                    "CYCLEGAN_TOPIC_MODELS",
                    models,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-dlq-it-" + id),
                IngestService.LOOPBACK)
            .start();
  }

  private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> letter(
      String source, String key, long offset, String why) {
    ConsumerRecord<byte[], byte[]> original =
        new ConsumerRecord<>(
            source,
            0,
            offset,
            key.getBytes(StandardCharsets.UTF_8),
            ("value-" + key).getBytes(StandardCharsets.UTF_8));
    original.headers().add("cg-model", "zebra".getBytes(StandardCharsets.UTF_8));
    return DeadLetter.of("inference", "IllegalArgumentException", why, original)
        .toRecord(source + ".dlq", original);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldWalkEveryDeadLetterExactlyOnceTwoAtATime() throws Exception {
    List<String> keys = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      HttpResponse<String> page =
          StackFixtures.get(
              service.httpPort(),
              "/dead-letters/"
                  + topic
                  + "?limit=2"
                  + (next == null
                      ? ""
                      : "&cursor=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonNode body = MessageCodec.mapper().readTree(page.body());
      assertThat(body.get("topic").asText()).isEqualTo(dlq);
      assertThat(body.get("letters").size()).isBetween(1, 2);
      for (JsonNode letter : body.get("letters")) {
        keys.add(letter.get("key").asText());
        assertThat(letter.get("stage").asText()).isEqualTo("decode");
        assertThat(letter.get("errorClass").asText()).isEqualTo("INVALID_IMAGE");
        assertThat(letter.get("sourceTopic").asText()).isEqualTo(topic);
        assertThat(letter.get("sourceOffset").asLong())
            .isEqualTo(Long.parseLong(letter.get("key").asText().substring(4)));
        assertThat(letter.hasNonNull("time")).isTrue();
      }
      next = body.hasNonNull("next") ? body.get("next").asText() : null;
      pages++;
    } while (next != null && pages < 10);

    assertThat(keys).hasSize(LETTERS);
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < LETTERS; i++) {
      expected.add("key-" + i);
    }
    assertThat(new HashSet<>(keys)).isEqualTo(expected);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void shouldReadTheDeadLetterTopicByItsOwnNameToo() throws Exception {
    HttpResponse<String> page = StackFixtures.get(service.httpPort(), "/dead-letters/" + dlq);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(MessageCodec.mapper().readTree(page.body()).get("letters").size())
        .isEqualTo(LETTERS);
  }

  @Test
  void shouldRefuseTopicsThatAreNotOurDeadLetterTopicsAndForgedCursors() throws Exception {
    HttpResponse<String> other =
        StackFixtures.get(service.httpPort(), "/dead-letters/__consumer_offsets");
    HttpResponse<String> forged =
        StackFixtures.get(
            service.httpPort(), "/dead-letters/" + topic + "?cursor=" + Paging.cursor("0=-5"));

    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(other.body()).doesNotContain("__consumer_offsets");
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.body()).contains("INVALID_CURSOR");
  }

  @Test
  void shouldReplayMatchingDeadLettersPageByPageOntoTheirSourceTopic(LocalStack stack)
      throws Exception {
    JsonNode dry = walkReplay("{\"whereError\":\"zebra\",\"dryRun\":true,\"limit\":1}");
    JsonNode done = walkReplay("{\"whereError\":\"zebra\",\"limit\":1}");

    assertThat(dry.get("pages").asInt()).isEqualTo(3);
    assertThat(dry.get("scanned").asInt()).isEqualTo(3);
    assertThat(dry.get("matched").asInt()).isEqualTo(2);
    assertThat(dry.get("replayed").asInt()).isZero();
    assertThat(done.get("replayed").asInt()).isEqualTo(2);
    assertThat(done.get("sourceTopic").asText()).isEqualTo(events);
    try (TopicTap tap = new TopicTap(stack, events)) {
      List<ConsumerRecord<byte[], byte[]>> replayed = tap.drain(r -> true);
      assertThat(replayed).extracting(StackFixtures::key).containsExactly("ev-0", "ev-2");
      assertThat(replayed)
          .allSatisfy(
              r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                    .isEqualTo("value-" + StackFixtures.key(r));
                assertThat(r.headers().lastHeader("cg-model")).isNotNull();
                assertThat(r.headers().lastHeader("cg-error-message")).isNull();
                assertThat(r.headers().lastHeader("cg-source-topic")).isNull();
              });
    }
    assertThat(
            service
                .runtime()
                .metrics()
                .registry()
                .get("cyclegan.dlq.replayed.records")
                .tag("topic", events)
                .counter()
                .count())
        .isEqualTo(2.0);
  }

  @Test
  void shouldRefuseToReplayALetterThatNamesAnotherSourceTopic(LocalStack stack) throws Exception {
    HttpResponse<String> refused = post("/dead-letters/" + models + "/replay", "{}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(refused.body()).contains("UNTRUSTED_SOURCE_TOPIC").doesNotContain("__consumer");
    try (TopicTap tap = new TopicTap(stack, models)) {
      assertThat(tap.drain(r -> true)).isEmpty();
    }
  }

  @Test
  void shouldRefuseUnknownFieldsAndForgedCursorsInAReplay() {
    HttpResponse<String> unknown = post("/dead-letters/" + events + "/replay", "{\"all\":true}");
    HttpResponse<String> forged =
        post(
            "/dead-letters/" + events + "/replay",
            "{\"dryRun\":true,\"cursor\":\"" + Paging.cursor("0=5:1") + "\"}");

    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("UNKNOWN_FIELD");
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.body()).contains("INVALID_CURSOR");
  }

  /** POSTs the replay with {@code body}, then with each answer's cursor: the summed counts. */
  private static JsonNode walkReplay(String body) throws Exception {
    ObjectNode total = MessageCodec.mapper().createObjectNode();
    int pages = 0;
    int scanned = 0;
    int matched = 0;
    int replayed = 0;
    String next = null;
    do {
      String page = next == null ? body : body.replace("}", ",\"cursor\":\"" + next + "\"}");
      HttpResponse<String> answer = post("/dead-letters/" + events + "/replay", page);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonNode doc = MessageCodec.mapper().readTree(answer.body());
      total.put("sourceTopic", doc.get("sourceTopic").asText());
      scanned += doc.get("scanned").asInt();
      matched += doc.get("matched").asInt();
      replayed += doc.get("replayed").asInt();
      next = doc.hasNonNull("next") ? doc.get("next").asText() : null;
      pages++;
    } while (next != null && pages < 10);
    total.put("pages", pages);
    total.put("scanned", scanned);
    total.put("matched", matched);
    total.put("replayed", replayed);
    return total;
  }

  private static HttpResponse<String> post(String path, String json) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + service.httpPort() + path))
                  .header("Content-Type", "application/json")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
