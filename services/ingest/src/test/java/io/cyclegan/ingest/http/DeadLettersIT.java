package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
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

/** {@code GET /dead-letters/{topic}}: a paged walk over a real two-partition dead-letter topic. */
@ExtendWith(LocalStackExtension.class)
class DeadLettersIT {
  private static final int LETTERS = 5;

  private static IngestService service;
  private static String topic;
  private static String dlq;

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
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-dlq-it-" + id),
                IngestService.LOOPBACK)
            .start();
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
}
