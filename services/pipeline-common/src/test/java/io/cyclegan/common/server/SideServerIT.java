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
      server.addCheck(new ReadinessCheck("kafka", kafka::isReachable));
      server.addCheck(new ReadinessCheck("object-store", store::isReachable));
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);

      stack.stopKafka();
      try {
        HttpResponse<String> down = get(server, "/readyz");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("kafka failing").contains("object-store ok");
      } finally {
        stack.startKafka();
      }

      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(get(server, "/readyz").statusCode()).isEqualTo(200));
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
