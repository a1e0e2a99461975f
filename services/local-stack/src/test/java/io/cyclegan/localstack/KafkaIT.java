package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class KafkaIT {

  private final LocalStack stack;

  KafkaIT(LocalStack stack) {
    this.stack = stack;
  }

  @Test
  void shouldDeliverKeyValueAndHeadersWhenProducedAndConsumed() throws Exception {
    String topic = "round-trip-" + UUID.randomUUID();
    byte[] value = {1, 2, 3, (byte) 0xff};
    try (KafkaProducer<String, byte[]> producer = producer()) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "image-1", value);
      record.headers().add("cg-domain", "A".getBytes(StandardCharsets.UTF_8));
      record.headers().add("content-type", "image/png".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }

    List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                assertThat(received).hasSize(1);
              });
    }

    ConsumerRecord<String, byte[]> record = received.get(0);
    assertThat(record.key()).isEqualTo("image-1");
    assertThat(record.value()).containsExactly(value);
    Map<String, String> headers = new java.util.HashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    assertThat(headers).containsEntry("cg-domain", "A").containsEntry("content-type", "image/png");
  }

  @Test
  void shouldCreateDefaultTopicsWithTheirPartitionsWhenStarted() throws Exception {
    Set<String> names =
        TopicSpec.defaults().stream().map(TopicSpec::name).collect(Collectors.toSet());
    try (Admin admin = admin()) {
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
      for (TopicSpec spec : TopicSpec.defaults()) {
        assertThat(described.get(spec.name()).partitions())
            .as("partitions of %s", spec.name())
            .hasSize(spec.partitions());
      }

      ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, "cyclegan.models");
      ConfigResource requests =
          new ConfigResource(ConfigResource.Type.TOPIC, "cyclegan.translate.requests");
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(List.of(models, requests)).all().get();
      assertThat(configs.get(models).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(configs.get(requests).get("cleanup.policy").value()).isEqualTo("delete");
    }
    assertThat(names)
        .hasSize(14)
        .contains("cyclegan.images.in", "cyclegan.images.in.dlq", "cyclegan.datasets.dlq");
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "round-trip-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
  }
}
