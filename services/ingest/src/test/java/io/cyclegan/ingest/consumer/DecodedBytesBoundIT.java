package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.image;
import static io.cyclegan.ingest.StackFixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.DatasetEvent;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestConfig;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12, item 6: ingest bounds the decoded bytes it holds per batch. Eight images waiting on the
 * topic when ingest starts come in one poll; with a bound of two decoded images they are processed
 * two at a time, and every one is stored and announced once, with the offsets at the end.
 */
@ExtendWith(LocalStackExtension.class)
class DecodedBytesBoundIT {
  private static final int SIDE = 64;
  private static final long DECODED = (long) SIDE * SIDE * ImageValidator.DECODED_BYTES_PER_PIXEL;

  @Test
  void shouldProcessABatchOfLargeImagesInPartsUnderTheBoundAndCommitItWhole(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "it.decoded-bound." + run;
    String group = "ingest-decoded-bound-" + run;
    String dataset = "bound-" + run;
    StackFixtures.createTopics(stack, topic, 1);
    IngestConfig config =
        StackFixtures.config(
            stack,
            "CYCLEGAN_TOPIC_IMAGES_IN",
            topic,
            "CYCLEGAN_GROUP_ID",
            group,
            "CYCLEGAN_INGEST_MAX_BATCH_DECODED_BYTES",
            Long.toString(2 * DECODED));
    List<String> requestIds = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack)) {
      for (int i = 0; i < 8; i++) {
        byte[] png = TestImages.png(SIDE, SIDE, 100 + i);
        if (i % 2 == 0) {
          producer.send(
              image(
                  topic,
                  "img-" + i,
                  png,
                  Headers.PURPOSE,
                  "dataset",
                  Headers.DATASET,
                  dataset,
                  Headers.DOMAIN,
                  "A"));
        } else {
          String requestId = "bound-" + run + "-" + i;
          requestIds.add(requestId);
          producer.send(
              image(topic, requestId, png, Headers.PURPOSE, "translate", Headers.MODEL, "zebra"));
        }
      }
      producer.flush();
    }
    ObjectStore store = StackFixtures.store(stack);

    try (TopicTap events = new TopicTap(stack, Topics.DEFAULTS.datasets());
        TopicTap claims = new TopicTap(stack, Topics.DEFAULTS.translateRequests());
        IngestService ingest = new IngestService(config, IngestService.LOOPBACK).start()) {
      List<DatasetEvent> announced =
          events.awaitKey(dataset, 4).stream()
              .map(r -> MessageCodec.decode(r.value(), DatasetEvent.class))
              .toList();
      for (String requestId : requestIds) {
        assertThat(claims.awaitKey(requestId, 1))
            .singleElement()
            .satisfies(
                r ->
                    assertThat(MessageCodec.decode(r.value(), TranslateRequest.class).inputKey())
                        .isEqualTo(ObjectKeys.requestInput(requestId)));
        assertThat(store.exists(ObjectKeys.requestInput(requestId))).isTrue();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StackFixtures.uncommitted(stack, group, topic) == 0);

      assertThat(announced).noneMatch(e -> Boolean.TRUE.equals(e.duplicate()));
      assertThat(announced).extracting(DatasetEvent::lastImageKey).doesNotHaveDuplicates();
      assertThat(store.list(ObjectKeys.datasetDomainPrefix(dataset, "A"))).hasSize(4);
      // Exactly once each: read to the end of the topics once the offsets are committed.
      assertThat(events.drain(r -> dataset.equals(StackFixtures.key(r)))).hasSize(4);
      assertThat(claims.drain(r -> requestIds.contains(StackFixtures.key(r)))).hasSize(4);
      String metrics = StackFixtures.get(ingest.metricsPort(), "/metrics").body();
      assertThat(sample(metrics, "cyclegan_ingest_batch_records_sum")).isEqualTo(8.0);
      assertThat(sample(metrics, "cyclegan_ingest_batch_records_count"))
          .as("processed in parts of at most two images")
          .isGreaterThanOrEqualTo(4.0);
      assertThat(sample(metrics, "cyclegan_ingest_batch_records_max")).isLessThanOrEqualTo(2.0);
    }
  }

  @Test
  void shouldImportAZipOfLargeImagesInPartsUnderTheBound(LocalStack stack) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String dataset = "zip-bound-" + run;
    // Its own images topic and group: the batch metrics must count this upload's images only,
    // not records other tests left on the default topic.
    String topic = "it.zip-bound." + run;
    StackFixtures.createTopics(stack, topic, 1);
    IngestConfig config =
        StackFixtures.config(
            stack,
            "CYCLEGAN_TOPIC_IMAGES_IN",
            topic,
            "CYCLEGAN_GROUP_ID",
            "ingest-zip-bound-" + run,
            "CYCLEGAN_INGEST_MAX_BATCH_DECODED_BYTES",
            Long.toString(2 * DECODED));
    java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip)) {
      for (int i = 0; i < 6; i++) {
        out.putNextEntry(new java.util.zip.ZipEntry("img-" + i + ".png"));
        out.write(TestImages.png(SIDE, SIDE, 200 + i));
        out.closeEntry();
      }
    }

    try (IngestService ingest = new IngestService(config, IngestService.LOOPBACK).start()) {
      java.net.http.HttpResponse<String> response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://127.0.0.1:"
                                  + ingest.httpPort()
                                  + "/datasets/"
                                  + dataset
                                  + "/A"))
                      .header("Content-Type", "application/zip")
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zip.toByteArray()))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
      assertThat(StackFixtures.store(stack).list(ObjectKeys.datasetDomainPrefix(dataset, "A")))
          .hasSize(6);
      String metrics = StackFixtures.get(ingest.metricsPort(), "/metrics").body();
      assertThat(sample(metrics, "cyclegan_ingest_batch_records_sum")).isEqualTo(6.0);
      // Without the bound the zip's images go in one batch of up to 16.
      assertThat(sample(metrics, "cyclegan_ingest_batch_records_max"))
          .as("processed in parts of at most two images")
          .isLessThanOrEqualTo(2.0);
    }
  }
}
