package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stack of its own, with fault proxies: the shared one must stay as other modules expect it. */
class LocalStackFaultProxiesIT {

  private static LocalStack stack;

  @BeforeAll
  static void startStackWithProxies() {
    stack = LocalStack.builder().optFaultProxies(true).optTopics(List.of()).build().start();
  }

  @AfterAll
  static void closeStack() {
    stack.close();
  }

  @Test
  void shouldGiveProxyAddressesToClientsWhenProxiesAreOn() throws Exception {
    assertThat(stack.bootstrapServers()).isEqualTo(stack.kafkaProxy().address());
    assertThat(stack.s3Endpoint()).isEqualTo("http://" + stack.s3Proxy().address());
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      // Clients reconnect to the advertised address: it must be the proxy's, or faults miss them.
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .extracting(Node::port)
          .containsExactly(stack.kafkaProxy().port());
    }
  }

  @Test
  void shouldProduceAndConsumeThroughKafkaProxy() throws Exception {
    String topic = "proxied-" + UUID.randomUUID();
    long acceptedBefore = stack.kafkaProxy().acceptedConnections();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(topic, "k", "through the proxy"))
          .get(30, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "proxied-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                assertThat(received)
                    .extracting(ConsumerRecord::value)
                    .contains("through the proxy");
              });
    }
    assertThat(stack.kafkaProxy().acceptedConnections()).isGreaterThan(acceptedBefore);
  }

  @Test
  void shouldFailKafkaCallsWhileProxyRefusesAndSucceedAfterPass() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000))) {
      assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isNotBlank();
      try {
        stack.kafkaProxy().refuse();

        assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
      } finally {
        stack.kafkaProxy().pass();
      }

      // The same client reconnects through the proxy once it passes again.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                      .isNotBlank());
    }
  }

  @Test
  void shouldFailS3CallsWhileProxyRefusesAndSucceedAfterPass() throws Exception {
    MinioClient minio =
        MinioClient.builder()
            .endpoint(stack.s3Endpoint())
            .credentials(stack.accessKey(), stack.secretKey())
            .region(stack.region())
            .build();
    String key = "proxied-" + UUID.randomUUID() + ".txt";
    byte[] body = "through the proxy".getBytes(StandardCharsets.UTF_8);
    minio.putObject(
        PutObjectArgs.builder().bucket(stack.bucket()).object(key).stream(
                new ByteArrayInputStream(body), body.length, -1)
            .build());
    assertThat(get(minio, key)).isEqualTo(body);

    try {
      stack.s3Proxy().refuse();

      // A pooled keep-alive connection is cut (end of stream), a new one refused: both fail.
      assertThatThrownBy(() -> get(minio, key)).isInstanceOf(java.io.IOException.class);
      assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", stack.s3Proxy().port()).close())
          .isInstanceOf(ConnectException.class);
    } finally {
      stack.s3Proxy().pass();
    }

    assertThat(get(minio, key)).isEqualTo(body);
  }

  private static byte[] get(MinioClient minio, String key) throws Exception {
    try (GetObjectResponse response =
        minio.getObject(GetObjectArgs.builder().bucket(stack.bucket()).object(key).build())) {
      return response.readAllBytes();
    }
  }
}
