package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.LogCapture;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an attacker who can write {@code cyclegan.images.in} would try against ingest (issue 12,
 * docs/security.md): take over another caller's request id, aim results at a pipeline topic,
 * smuggle path tricks, oversized values and line breaks through the headers. Each is refused, and
 * nothing is written where it must not be.
 */
@ExtendWith(LocalStackExtension.class)
class TrustBoundaryIT {
  private static final Topics TOPICS = Topics.DEFAULTS;

  @Test
  void shouldRefuseARequestIdReusedWithOtherBytesAndAcceptTheSameBytesAgain(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String id = "conflict-" + run;
    byte[] first = TestImages.png(16, 16);
    byte[] other = TestImages.png(24, 24);
    ObjectStore store = StackFixtures.store(stack);
    try (IngestService ingest = start(stack, "conflict-" + run);
        KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack);
        TopicTap claims = new TopicTap(stack, TOPICS.translateRequests());
        TopicTap results = new TopicTap(stack, TOPICS.translateResults())) {
      producer.send(translate(id, first)).get();
      claims.awaitKey(id, 1);
      byte[] stored = store.get(ObjectKeys.requestInput(id)).orElseThrow();

      producer.send(translate(id, other)).get();
      ConsumerRecord<byte[], byte[]> refusal = results.awaitKey(id, 1).get(0);
      TranslateResult r = MessageCodec.decode(refusal.value(), TranslateResult.class);
      assertThat(r.status()).isEqualTo(TranslateResult.Status.error);
      assertThat(r.reason()).isEqualTo("REQUEST_ID_CONFLICT");
      assertThat(store.get(ObjectKeys.requestInput(id)).orElseThrow()).isEqualTo(stored);
      assertThat(store.exists(ObjectKeys.resultDocument(id))).isFalse();

      producer.send(translate(id, first)).get();
      assertThat(claims.awaitKey(id, 2)).hasSize(2);
      assertThat(results.drain(rec -> id.equals(StackFixtures.key(rec)))).hasSize(1);
      assertThat(store.get(ObjectKeys.requestInput(id)).orElseThrow()).isEqualTo(stored);
    }
  }

  @Test
  void shouldGiveARecordWithoutAnIdOneNobodyCanPredict(LocalStack stack) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (IngestService ingest = start(stack, "noid-" + run);
        KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack);
        TopicTap claims = new TopicTap(stack, TOPICS.translateRequests())) {
      var md =
          producer
              .send(
                  image(
                      TOPICS.imagesIn(),
                      null,
                      TestImages.png(16, 16),
                      Headers.PURPOSE,
                      "translate",
                      Headers.MODEL,
                      "noid-" + run))
              .get();
      String position = md.topic() + "/" + md.partition() + "@" + md.offset();
      String predictable =
          UUID.nameUUIDFromBytes(position.getBytes(StandardCharsets.UTF_8)).toString();
      ConsumerRecord<byte[], byte[]> claim =
          claims
              .await(
                  rec ->
                      ("noid-" + run)
                          .equals(MessageCodec.decode(rec.value(), TranslateRequest.class).model()),
                  1)
              .get(0);
      assertThat(StackFixtures.key(claim)).isNotEqualTo(predictable);
    }
  }

  @Test
  void shouldAnswerOnTheResultsTopicWhenAPipelineTopicIsNamedAsReplyTopic(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> pipeline = new ArrayList<>();
    for (String t : TOPICS.all()) {
      if (!t.equals(TOPICS.translateResults())) {
        pipeline.add(t);
      }
      pipeline.add(TOPICS.dlq(t));
    }
    Map<String, String> idToTopic = new LinkedHashMap<>();
    try (IngestService ingest = start(stack, "replies-" + run);
        KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack);
        TopicTap results = new TopicTap(stack, TOPICS.translateResults())) {
      for (int i = 0; i < pipeline.size(); i++) {
        String id = "reply-" + i + "-" + run;
        idToTopic.put(id, pipeline.get(i));
        producer.send(
            image(
                TOPICS.imagesIn(),
                id,
                TestImages.png(16, 16),
                Headers.PURPOSE,
                "translate",
                Headers.MODEL,
                "zebra",
                Headers.REPLY_TOPIC,
                pipeline.get(i)));
      }
      producer.flush();
      List<ConsumerRecord<byte[], byte[]>> answers =
          results.await(rec -> idToTopic.containsKey(StackFixtures.key(rec)), idToTopic.size());
      assertThat(answers)
          .map(rec -> MessageCodec.decode(rec.value(), TranslateResult.class).reason())
          .containsOnly("REPLY_TOPIC_NOT_ALLOWED");
      assertThat(idToTopic.keySet())
          .allSatisfy(
              id ->
                  assertThat(StackFixtures.store(stack).exists(ObjectKeys.requestInput(id)))
                      .isFalse());
      Set<String> existing;
      try (Admin admin = StackFixtures.admin(stack)) {
        existing = admin.listTopics().names().get();
      }
      for (String topic : pipeline) {
        if (!existing.contains(topic)) {
          continue; // a result sent there would have created it
        }
        try (TopicTap tap = new TopicTap(stack, topic)) {
          assertThat(
                  tap.drain(
                      rec ->
                          idToTopic.containsKey(StackFixtures.key(rec))
                              && TranslateResult.SCHEMA.equals(
                                  StackFixtures.header(rec, Headers.CE_TYPE))))
              .as("results on %s", topic)
              .isEmpty();
        }
      }
    }
  }

  @Test
  void shouldRefusePathLikeOversizedAndLineBreakingHeadersWithoutForgingALogLine(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> bad = List.of("../x", "a/b", "x".repeat(300), "x\r\nFORGED line", "x\nFORGED");
    Map<String, String[]> cases = new LinkedHashMap<>();
    int n = 0;
    for (String v : bad) {
      for (String header :
          List.of(
              Headers.REQUEST_ID,
              Headers.MODEL,
              Headers.MODEL_VERSION,
              Headers.REPLY_TOPIC,
              Headers.DIRECTION)) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(Headers.PURPOSE, "translate");
        h.put(Headers.MODEL, "zebra");
        h.put(header, v);
        cases.put("path-" + n++ + "-" + run, flat(h));
      }
      for (String header : List.of(Headers.DATASET, Headers.DOMAIN)) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(Headers.PURPOSE, "dataset");
        h.put(Headers.DATASET, "trust-" + run);
        h.put(Headers.DOMAIN, "A");
        h.put(header, v);
        cases.put("path-" + n++ + "-" + run, flat(h));
      }
      cases.put("path-" + n++ + "-" + run, new String[] {Headers.PURPOSE, v});
    }
    ObjectStore store = StackFixtures.store(stack);
    try (LogCapture logs = new LogCapture();
        IngestService ingest = start(stack, "paths-" + run);
        KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack);
        TopicTap dlq = new TopicTap(stack, TOPICS.dlq(TOPICS.imagesIn()))) {
      for (Map.Entry<String, String[]> c : cases.entrySet()) {
        producer.send(image(TOPICS.imagesIn(), c.getKey(), TestImages.png(8, 8), c.getValue()));
      }
      // A line break in the key as well: the request id when no header gives one.
      producer.send(
          image(
              TOPICS.imagesIn(),
              "k\r\nFORGED key",
              TestImages.png(8, 8),
              Headers.PURPOSE,
              "translate",
              Headers.MODEL,
              "zebra"));
      producer.flush();
      assertThat(dlq.await(rec -> cases.containsKey(StackFixtures.key(rec)), cases.size()))
          .hasSize(cases.size());
      dlq.await(rec -> "k\r\nFORGED key".equals(StackFixtures.key(rec)), 1);
      assertThat(store.list("requests/"))
          .noneMatch(
              o -> o.key().contains("..") || o.key().contains("\n") || o.key().length() > 200);
      assertThat(store.list("datasets/"))
          .noneMatch(o -> o.key().contains("..") || o.key().contains("\n"));
      assertThat(logs.mentioning("FORGED")).isPositive();
      assertThat(logs.forgedLines("FORGED")).isEmpty();
    }
  }

  private static String[] flat(Map<String, String> headers) {
    List<String> out = new ArrayList<>();
    headers.forEach(
        (k, v) -> {
          out.add(k);
          out.add(v);
        });
    return out.toArray(String[]::new);
  }

  private static IngestService start(LocalStack stack, String group) {
    return new IngestService(
            StackFixtures.config(stack, "CYCLEGAN_GROUP_ID", "ingest-trust-" + group),
            IngestService.LOOPBACK)
        .start();
  }

  private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> translate(
      String id, byte[] png) {
    return image(TOPICS.imagesIn(), id, png, Headers.PURPOSE, "translate", Headers.MODEL, "zebra");
  }
}
