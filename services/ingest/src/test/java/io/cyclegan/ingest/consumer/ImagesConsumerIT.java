package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.header;
import static io.cyclegan.ingest.StackFixtures.image;
import static io.cyclegan.ingest.StackFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.DatasetEvent;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.ingest.routing.RejectReason;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The "Done when" for the Kafka side: records on the default {@code cyclegan.images.in}
 * land in datasets or become claim checks, and every bad one is dead-lettered (and answered when it
 * was a translation request) while the good ones around it are processed.
 */
@ExtendWith(LocalStackExtension.class)
class ImagesConsumerIT {
  private static final Topics TOPICS = Topics.DEFAULTS;
  private static final int MAX_IMAGE_BYTES = 64 * 1024;

  private static final String GROUP = "ingest-it-" + UUID.randomUUID();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static IngestService service;
  private static KafkaProducer<byte[], byte[]> producer;
  private static ObjectStore store;

  @BeforeAll
  static void start(LocalStack stack) {
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_GROUP_ID",
                    GROUP,
                    "CYCLEGAN_MAX_IMAGE_BYTES",
                    Integer.toString(MAX_IMAGE_BYTES)),
                IngestService.LOOPBACK)
            .start();
    producer = StackFixtures.producer(stack);
    store = StackFixtures.store(stack);
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (service != null) {
      service.close();
    }
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
    try {
      return producer.send(record).get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ProducerRecord<byte[], byte[]> datasetImage(
      String key, String dataset, String domain, byte[] bytes) {
    return image(
        TOPICS.imagesIn(),
        key,
        bytes,
        Headers.PURPOSE,
        "dataset",
        Headers.DATASET,
        dataset,
        Headers.DOMAIN,
        domain);
  }

  private static List<ObjectInfo> images(String dataset, String domain) {
    return store.list("datasets/" + dataset + "/" + domain + "/");
  }

  @Test
  void shouldStoreDatasetImagesWithCountsAndDuplicatesOnceWhenPublished(LocalStack stack) {
    String dataset = "ds-" + id();
    byte[] a1 = TestImages.png(32, 32, 1);
    send(datasetImage("a1", dataset, "A", a1));
    send(datasetImage("a2", dataset, "A", TestImages.png(32, 32, 2)));
    send(datasetImage("a3", dataset, "A", TestImages.png(40, 24, 3)));
    send(datasetImage("a1-again", dataset, "A", a1));
    send(datasetImage("b1", dataset, "B", TestImages.png(32, 32, 11)));
    send(datasetImage("b2", dataset, "B", TestImages.jpeg(24, 24)));

    try (TopicTap events = new TopicTap(stack, TOPICS.datasets())) {
      List<DatasetEvent> received =
          events.awaitKey(dataset, 6).stream()
              .map(r -> MessageCodec.decode(r.value(), DatasetEvent.class))
              .toList();

      assertThat(received).hasSize(6).allSatisfy(e -> assertThat(e.dataset()).isEqualTo(dataset));
      assertThat(received).filteredOn(e -> Boolean.TRUE.equals(e.duplicate())).hasSize(1);
      assertThat(received).extracting(DatasetEvent::counts).contains(Map.of("A", 3L, "B", 2L));
      assertThat(received)
          .filteredOn(e -> e.domain().equals("B"))
          .extracting(DatasetEvent::lastImageKey)
          .allSatisfy(k -> assertThat(k).startsWith("datasets/" + dataset + "/B/"));
    }
    assertThat(images(dataset, "A")).hasSize(3);
    assertThat(images(dataset, "B")).hasSize(2);
    for (ObjectInfo o : images(dataset, "B")) {
      byte[] stored = store.get(o.key()).orElseThrow();
      // Content addressed: the key is the hash of the normalised PNG that is stored.
      assertThat(o.key()).endsWith("/" + ImageValidator.sha256(stored) + ".png");
      assertThat(stored).startsWith(0x89, 'P', 'N', 'G');
    }
  }

  @Test
  void shouldSendClaimChecksWhenTranslationRequestsArePublished(LocalStack stack) {
    String model = "m-" + id();
    String replyTopic = "cyclegan.replies." + id();
    RecordMetadata withHeader =
        send(
            image(
                TOPICS.imagesIn(),
                "ignored-key",
                TestImages.png(48, 32),
                Headers.PURPOSE,
                "translate",
                Headers.MODEL,
                model,
                Headers.MODEL_VERSION,
                "v2",
                Headers.DIRECTION,
                "BtoA",
                Headers.REQUEST_ID,
                model + "-1",
                Headers.REPLY_TOPIC,
                replyTopic));
    send(
        image(
            TOPICS.imagesIn(),
            model + "-2",
            TestImages.jpeg(20, 30),
            Headers.PURPOSE,
            "translate",
            Headers.MODEL,
            model));
    send(
        image(
            TOPICS.imagesIn(),
            null,
            TestImages.png(16, 16),
            Headers.PURPOSE,
            "translate",
            Headers.MODEL,
            model));

    try (TopicTap claims = new TopicTap(stack, TOPICS.translateRequests())) {
      List<ConsumerRecord<byte[], byte[]>> records =
          claims.await(
              r -> MessageCodec.decode(r.value(), TranslateRequest.class).model().equals(model), 3);
      Map<String, TranslateRequest> byKey =
          records.stream()
              .collect(
                  Collectors.toMap(
                      StackFixtures::key,
                      r -> MessageCodec.decode(r.value(), TranslateRequest.class)));

      TranslateRequest first = byKey.get(model + "-1");
      assertThat(first.inputKey()).isEqualTo("requests/" + model + "-1/input.png");
      assertThat(first.bucket()).isEqualTo(stack.bucket());
      assertThat(first.modelVersion()).isEqualTo("v2");
      assertThat(first.direction()).isEqualTo(Direction.BtoA);
      assertThat(first.replyTopic()).isEqualTo(replyTopic);
      assertThat(first.width()).isEqualTo(48);
      assertThat(first.height()).isEqualTo(32);
      assertThat(first.receivedAt()).isEqualTo(Instant.ofEpochMilli(withHeader.timestamp()));

      TranslateRequest keyed = byKey.get(model + "-2");
      assertThat(keyed.direction()).isEqualTo(Direction.AtoB);
      assertThat(keyed.replyTopic()).isNull();
      assertThat(keyed.width()).isEqualTo(20);

      assertThat(byKey).hasSize(3);
      byKey.forEach(
          (requestId, claim) -> {
            assertThat(claim.requestId()).isEqualTo(requestId);
            assertThat(store.get(claim.inputKey()).orElseThrow()).startsWith(0x89, 'P', 'N', 'G');
          });
      assertThat(records)
          .allSatisfy(
              r -> {
                assertThat(header(r, Headers.CE_TYPE)).isEqualTo(TranslateRequest.SCHEMA);
                assertThat(header(r, Headers.CE_SOURCE)).startsWith("/cyclegan/ingest/");
                assertThat(header(r, Headers.CE_ID)).isNotBlank();
              });
    }
  }

  /** A bad record of the corpus and what it must produce. */
  private record Case(
      String name,
      ProducerRecord<byte[], byte[]> record,
      RejectReason reason,
      String stage,
      String answeredOn) {}

  @Test
  void shouldDeadLetterEveryBadInputWhileTheGoodOnesAroundItAreProcessed(LocalStack stack)
      throws Exception {
    String run = id();
    String good = "good-" + run;
    String replyTopic = "cyclegan.replies." + run;
    StackFixtures.createTopics(stack, replyTopic, 1);
    String[] dataset = {
      Headers.PURPOSE, "dataset", Headers.DATASET, "bad-" + run, Headers.DOMAIN, "A"
    };
    List<Case> corpus =
        List.of(
            datasetCase(
                "truncated-png",
                TestImages.truncate(TestImages.png(64, 64, 7), 0.6),
                RejectReason.TRUNCATED,
                dataset),
            datasetCase(
                "truncated-jpeg",
                TestImages.truncate(TestImages.jpeg(64, 64), 0.6),
                RejectReason.TRUNCATED,
                with(dataset, Headers.FILENAME, "x.jpg")),
            datasetCase("zero-bytes", new byte[0], RejectReason.EMPTY, dataset),
            datasetCase(
                "text-named-image",
                "just some notes, not a picture\n".getBytes(StandardCharsets.UTF_8),
                RejectReason.TEXT_NOT_IMAGE,
                with(dataset, Headers.FILENAME, "notes.png")),
            datasetCase(
                "png-bomb",
                TestImages.pngHeaderOnly(50_000, 50_000),
                RejectReason.TOO_MANY_PIXELS,
                dataset),
            datasetCase(
                "over-limit", TestImages.noisePng(200, 200), RejectReason.TOO_LARGE, dataset),
            datasetCase("gif", TestImages.gif(8, 8), RejectReason.UNSUPPORTED_FORMAT, dataset),
            datasetCase("no-headers", TestImages.png(8, 8), RejectReason.MISSING_PURPOSE),
            datasetCase(
                "unknown-purpose",
                TestImages.png(8, 8),
                RejectReason.UNKNOWN_PURPOSE,
                Headers.PURPOSE,
                "train"),
            datasetCase(
                "bad-dataset",
                TestImages.png(8, 8),
                RejectReason.INVALID_DATASET,
                Headers.PURPOSE,
                "dataset",
                Headers.DATASET,
                "../x",
                Headers.DOMAIN,
                "A"),
            datasetCase(
                "bad-domain",
                TestImages.png(8, 8),
                RejectReason.INVALID_DOMAIN,
                Headers.PURPOSE,
                "dataset",
                Headers.DATASET,
                "d-" + run,
                Headers.DOMAIN,
                "C"),
            translateCase(
                "tr-truncated-" + run,
                TestImages.truncate(TestImages.png(64, 64, 9), 0.5),
                RejectReason.TRUNCATED,
                TOPICS.translateResults(),
                Headers.MODEL,
                "zebra"),
            translateCase(
                "tr-no-model-" + run,
                TestImages.png(8, 8),
                RejectReason.MISSING_MODEL,
                TOPICS.translateResults()),
            translateCase(
                "tr-direction-" + run,
                TestImages.png(8, 8),
                RejectReason.INVALID_DIRECTION,
                TOPICS.translateResults(),
                Headers.MODEL,
                "zebra",
                Headers.DIRECTION,
                "sideways"),
            translateCase(
                "tr-reply-" + run,
                new byte[0],
                RejectReason.EMPTY,
                replyTopic,
                Headers.MODEL,
                "zebra",
                Headers.REPLY_TOPIC,
                replyTopic),
            translateCase(
                "tr-internal-reply-" + run,
                TestImages.png(8, 8),
                RejectReason.REPLY_TOPIC_NOT_ALLOWED,
                TOPICS.translateResults(),
                Headers.MODEL,
                "zebra",
                Headers.REPLY_TOPIC,
                TOPICS.models()),
            new Case(
                "tr-bad-id-" + run,
                image(
                    TOPICS.imagesIn(),
                    "k-" + run,
                    TestImages.png(8, 8),
                    Headers.PURPOSE,
                    "translate",
                    Headers.MODEL,
                    "zebra",
                    Headers.REQUEST_ID,
                    "../../etc-" + run),
                RejectReason.INVALID_REQUEST_ID,
                "ingest.headers",
                TOPICS.translateResults()));

    Map<String, RecordMetadata> sent = new java.util.HashMap<>();
    int seed = 1000;
    for (Case c : corpus) {
      // A good image before and after every bad one.
      send(datasetImage("good-" + seed, good, "A", TestImages.png(16, 16, seed++)));
      sent.put(c.name(), send(c.record()));
    }
    send(datasetImage("good-" + seed, good, "A", TestImages.png(16, 16, seed++)));
    int goodCount = seed - 1000;

    try (TopicTap dlq = new TopicTap(stack, TOPICS.dlq(TOPICS.imagesIn()));
        TopicTap results = new TopicTap(stack, TOPICS.translateResults());
        TopicTap replies = new TopicTap(stack, replyTopic)) {
      Set<String> messages = new HashSet<>();
      for (Case c : corpus) {
        ConsumerRecord<byte[], byte[]> letter = dlq.awaitKey(keyOf(c), 1).get(0);
        assertThat(letter.value()).as(c.name()).isEqualTo(c.record().value());
        assertThat(header(letter, Headers.ERROR_STAGE)).as(c.name()).isEqualTo(c.stage());
        assertThat(header(letter, Headers.ERROR_MESSAGE))
            .as(c.name())
            .startsWith(c.reason().name() + ": ");
        assertThat(header(letter, Headers.SOURCE_TOPIC)).isEqualTo(TOPICS.imagesIn());
        assertThat(header(letter, Headers.SOURCE_OFFSET))
            .isEqualTo(Long.toString(sent.get(c.name()).offset()));
        assertThat(header(letter, Headers.PURPOSE))
            .as("original headers kept")
            .isEqualTo(purposeOf(c.record()));
        if (c.answeredOn() == null) {
          messages.add(header(letter, Headers.ERROR_MESSAGE));
        }
      }
      // The corpus: every case says something different.
      assertThat(messages)
          .hasSize((int) corpus.stream().filter(c -> c.answeredOn() == null).count());

      for (Case c : corpus) {
        if (c.answeredOn() == null) {
          continue;
        }
        String requestId = requestIdOf(c);
        TopicTap tap = c.answeredOn().equals(replyTopic) ? replies : results;
        TranslateResult result =
            MessageCodec.decode(tap.awaitKey(requestId, 1).get(0).value(), TranslateResult.class);
        assertThat(result.status()).as(c.name()).isEqualTo(TranslateResult.Status.error);
        assertThat(result.error()).as(c.name()).startsWith(c.reason().name() + ": ");
        if (c.reason() != RejectReason.INVALID_REQUEST_ID) {
          TranslateResult stored =
              store
                  .getJson("results/" + requestId + "/result.json", TranslateResult.class)
                  .orElseThrow();
          assertThat(stored.error()).isEqualTo(result.error());
        }
      }
      // Dataset images and unreadable records have nobody waiting on a result.
      Set<String> unanswered =
          corpus.stream()
              .filter(c -> c.answeredOn() == null)
              .map(c -> keyOf(c))
              .collect(Collectors.toSet());
      assertThat(results.drain(r -> unanswered.contains(key(r)))).isEmpty();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(images(good, "A")).hasSize(goodCount));
    assertThat(store.list("datasets/bad-" + run + "/")).isEmpty();
    assertCommittedToTheEnd(stack);
    assertMetrics();
  }

  private static Case datasetCase(
      String name, byte[] bytes, RejectReason reason, String... headers) {
    return new Case(
        name + "-" + RUN,
        image(TOPICS.imagesIn(), name + "-" + RUN, bytes, headers),
        reason,
        reason.stage(),
        null);
  }

  private static Case translateCase(
      String requestId, byte[] bytes, RejectReason reason, String answeredOn, String... headers) {
    String[] all = with(headers, Headers.PURPOSE, "translate", Headers.REQUEST_ID, requestId);
    return new Case(
        requestId,
        image(TOPICS.imagesIn(), requestId, bytes, all),
        reason,
        reason.stage(),
        answeredOn);
  }

  private static String keyOf(Case c) {
    return new String(c.record().key(), StandardCharsets.UTF_8);
  }

  private static String requestIdOf(Case c) {
    org.apache.kafka.common.header.Header h = c.record().headers().lastHeader(Headers.REQUEST_ID);
    return h == null ? keyOf(c) : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String purposeOf(ProducerRecord<byte[], byte[]> r) {
    org.apache.kafka.common.header.Header h = r.headers().lastHeader(Headers.PURPOSE);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String[] with(String[] headers, String... more) {
    List<String> all = new ArrayList<>(List.of(headers));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static void assertCommittedToTheEnd(LocalStack stack) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest =
                    committed.keySet().stream()
                        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                assertThat(committed).hasSize(3);
                committed.forEach(
                    (tp, offset) -> assertThat(offset.offset()).isEqualTo(ends.get(tp).offset()));
              });
    }
  }

  private static void assertMetrics() throws Exception {
    HttpResponse<String> scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.body())
        .containsPattern("cyclegan_ingest_images_total\\{outcome=\"rejected\",purpose=\"dataset\"")
        .containsPattern("cyclegan_ingest_images_total\\{outcome=\"accepted\",purpose=\"dataset\"")
        .containsPattern("cyclegan_ingest_images_total\\{outcome=\"rejected\",purpose=\"none\"")
        .containsPattern("cyclegan_ingest_rejections_total\\{reason=\"TOO_MANY_PIXELS\"")
        .containsPattern("cyclegan_dlq_records_total\\{.*stage=\"ingest.validate\"")
        .containsPattern("cyclegan_dlq_records_total\\{.*stage=\"ingest.headers\"")
        .contains("cyclegan_ingest_bytes_total{")
        .contains("cyclegan_ingest_validation_seconds_bucket{");
  }
}
