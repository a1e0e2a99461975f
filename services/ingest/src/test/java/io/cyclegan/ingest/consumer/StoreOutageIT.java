package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.image;
import static io.cyclegan.ingest.StackFixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.DatasetEvent;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise: a store outage delays ingest and never refuses a valid image. Images published while
 * the S3 server is down are all stored once it is back, with their claim checks and dataset events;
 * none is rejected, dead-lettered or answered with an error. Meanwhile the wait shows (readiness,
 * retry metrics), and the HTTP API answers 503 with a Retry-After and a message that names no host,
 * port or bucket, in seconds rather than hanging for the outage.
 */
@ExtendWith(LocalStackExtension.class)
class StoreOutageIT {
  private static final int DATASET_IMAGES = 6;
  private static final int TRANSLATIONS = 4;

  @Test
  void shouldStoreEveryImageAndRefuseNoneWhenTheStoreIsDownForSeconds(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "it.outage." + run;
    String group = "ingest-outage-" + run;
    String dataset = "outage-" + run;
    StackFixtures.createTopics(stack, topic, 2);
    ObjectStore store = StackFixtures.store(stack);
    List<String> requestIds = new ArrayList<>();

    try (IngestService ingest =
            new IngestService(
                    StackFixtures.config(
                        stack, "CYCLEGAN_TOPIC_IMAGES_IN", topic, "CYCLEGAN_GROUP_ID", group),
                    IngestService.LOOPBACK)
                .start();
        KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack);
        TopicTap events = new TopicTap(stack, Topics.DEFAULTS.datasets());
        TopicTap claims = new TopicTap(stack, Topics.DEFAULTS.translateRequests());
        TopicTap results = new TopicTap(stack, Topics.DEFAULTS.translateResults());
        TopicTap deadLetters = new TopicTap(stack, topic + ".dlq")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StackFixtures.get(ingest.metricsPort(), "/readyz").statusCode() == 200);

      stack.stopS3();
      try {
        for (int i = 0; i < DATASET_IMAGES; i++) {
          producer.send(
              image(
                  topic,
                  "img-" + i,
                  TestImages.png(24, 24, 100 + i),
                  Headers.PURPOSE,
                  "dataset",
                  Headers.DATASET,
                  dataset,
                  Headers.DOMAIN,
                  i % 2 == 0 ? "A" : "B"));
        }
        for (int i = 0; i < TRANSLATIONS; i++) {
          String requestId = "outage-" + run + "-" + i;
          requestIds.add(requestId);
          producer.send(
              image(
                  topic,
                  requestId,
                  TestImages.png(16, 16, i),
                  Headers.PURPOSE,
                  "translate",
                  Headers.MODEL,
                  "zebra"));
        }
        producer.flush();

        // The outage lasts as long as the HTTP API takes to answer these three calls.
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + ingest.httpPort();
        List<CompletableFuture<HttpResponse<String>>> calls =
            List.of(
                http.sendAsync(
                    post(base + "/datasets/" + dataset + "/A", TestImages.png(20, 20, 7)),
                    HttpResponse.BodyHandlers.ofString()),
                http.sendAsync(
                    post(base + "/translate?model=zebra", TestImages.png(20, 20, 8)),
                    HttpResponse.BodyHandlers.ofString()),
                http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/results/some-request"))
                        .timeout(Duration.ofSeconds(25))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()));
        for (CompletableFuture<HttpResponse<String>> call : calls) {
          HttpResponse<String> response = call.join();
          assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
          assertThat(response.headers().firstValue("Retry-After")).isPresent();
          assertThat(response.body())
              .contains("UNAVAILABLE")
              .doesNotContain("127.0.0.1")
              .doesNotContain(Integer.toString(stack.s3Port()))
              .doesNotContain(stack.bucket() + "/")
              .doesNotContain("requests/");
        }
        assertThat(StackFixtures.get(ingest.metricsPort(), "/readyz").statusCode()).isEqualTo(503);
      } finally {
        stack.startS3();
      }

      List<DatasetEvent> announced =
          events.awaitKey(dataset, DATASET_IMAGES).stream()
              .map(r -> MessageCodec.decode(r.value(), DatasetEvent.class))
              .toList();
      assertThat(announced).noneMatch(e -> Boolean.TRUE.equals(e.duplicate()));
      assertThat(store.list(ObjectKeys.datasetDomainPrefix(dataset, "A"))).hasSize(3);
      assertThat(store.list(ObjectKeys.datasetDomainPrefix(dataset, "B"))).hasSize(3);
      for (String requestId : requestIds) {
        assertThat(claims.awaitKey(requestId, 1)).hasSize(1);
        assertThat(store.exists(ObjectKeys.requestInput(requestId))).isTrue();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StackFixtures.uncommitted(stack, group, topic) == 0);
      assertThat(deadLetters.drain(r -> true)).as("dead letters").isEmpty();
      assertThat(results.drain(r -> requestIds.contains(StackFixtures.key(r))))
          .as("error results")
          .isEmpty();
      String metrics = StackFixtures.get(ingest.metricsPort(), "/metrics").body();
      assertThat(sample(metrics, "cyclegan_ingest_rejections_total")).isZero();
      assertThat(sample(metrics, "cyclegan_retries_total{dependency=\"object-store\""))
          .isPositive();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StackFixtures.get(ingest.metricsPort(), "/readyz").statusCode() == 200);
    }
  }

  private static HttpRequest post(String uri, byte[] body) {
    return HttpRequest.newBuilder(URI.create(uri))
        .timeout(Duration.ofSeconds(25))
        .header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }
}
