package io.cyclegan.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.kafka.KafkaReadiness;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class SideServerIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldServePrometheusTextWithKafkaClientAndJvmMetrics(LocalStack stack) throws Exception {
    try (Metrics metrics = new Metrics("it");
        KafkaClients clients =
            new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), metrics.registry(), "it");
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer("metrics", "it-metrics");
        SideServer server = new SideServer("127.0.0.1", 0, metrics)) {
      consumer.subscribe(List.of("cyclegan.models"));
      consumer.poll(Duration.ofMillis(500));

      HttpResponse<String> response = get(server, "/metrics");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(response.body()).containsPattern("(?m)^kafka_consumer_\\w+\\{");
      assertThat(response.body()).containsPattern("(?m)^jvm_memory_used_bytes\\{");
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldFailReadinessWhileTheBrokerIsDownAndRecoverAfter(LocalStack stack) throws Exception {
    S3Settings s3 =
        S3Settings.of(stack.s3Endpoint(), stack.bucket(), stack.accessKey(), stack.secretKey());
    ObjectStore store = new ObjectStore(s3);
    try (Metrics metrics = new Metrics("it");
        KafkaClients clients =
            new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), metrics.registry(), "it");
        AdminClient admin = clients.admin();
        SideServer server = new SideServer("127.0.0.1", 0, metrics)) {
      KafkaReadiness kafka = new KafkaReadiness(admin);
      try (BackgroundProbe kafkaProbe =
              new BackgroundProbe(
                  "kafka", kafka::isReachable, Duration.ofMillis(200), Duration.ofSeconds(8));
          BackgroundProbe storeProbe =
              new BackgroundProbe(
                  "store", store::isReachable, Duration.ofMillis(200), Duration.ofSeconds(8))) {
        server.addCheck(new ReadinessCheck("kafka", kafkaProbe));
        server.addCheck(new ReadinessCheck("object-store", storeProbe));
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(get(server, "/readyz").statusCode()).isEqualTo(200));

        stack.stopKafka();
        try {
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .untilAsserted(
                  () -> {
                    HttpResponse<String> down = get(server, "/readyz");
                    assertThat(down.statusCode()).isEqualTo(503);
                    assertThat(down.body()).contains("kafka failing").contains("object-store ok");
                  });
        } finally {
          stack.startKafka();
        }

        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(get(server, "/readyz").statusCode()).isEqualTo(200));
      }
    }
  }

  @Test
  void shouldFailHealthNamingTheLoopThatDied() throws Exception {
    Liveness liveness = new Liveness();
    try (Metrics metrics = new Metrics("it");
        SideServer server = new SideServer("127.0.0.1", 0, metrics, liveness)) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);

      liveness.died("cancel-watcher", new IllegalStateException("gone"));

      HttpResponse<String> dead = get(server, "/healthz");
      assertThat(dead.statusCode()).isEqualTo(503);
      assertThat(dead.body()).contains("cancel-watcher dead (IllegalStateException)");
    }
  }

  @Test
  void shouldAnswerReadinessFromStateWhileAProbeHangs() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (Metrics metrics = new Metrics("it");
        SideServer server = new SideServer("127.0.0.1", 0, metrics);
        BackgroundProbe hung =
            new BackgroundProbe(
                "hung",
                () -> {
                  try {
                    release.await(); // a dependency that never answers
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return true;
                },
                Duration.ofMillis(100),
                Duration.ofMillis(300))) {
      server.addCheck(new ReadinessCheck("object-store", hung));

      HttpResponse<String> response = get(server, "/readyz");

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("object-store failing");
      release.countDown();
    }
  }

  private HttpResponse<String> get(SideServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(15))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
