package io.cyclegan.common.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dead-letter policy: a dead letter never wedges its partition. */
@ExtendWith(LocalStackExtension.class)
class DeadLettersIT {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void shouldDeadLetterARecordTooBigWithItsHeadersWithoutItsValueAndKeepTheValueInTheStore(
      LocalStack stack) throws Exception {
    String source = "dl-src-" + UUID.randomUUID();
    ObjectStore store =
        new ObjectStore(
            S3Settings.of(
                stack.s3Endpoint(), stack.bucket(), stack.accessKey(), stack.secretKey()));
    try (KafkaClients clients =
            new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), registry, "dl-it");
        AdminClient admin = clients.admin()) {
      // The DLQ takes records of at most 8 KiB: a value just under that fits the source topic
      // but not the DLQ once the dead-letter headers are added.
      admin
          .createTopics(
              List.of(
                  new NewTopic(source + ".dlq", 1, (short) 1)
                      .configs(Map.of("max.message.bytes", "8192"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      byte[] value = new byte[8000];
      new Random(1).nextBytes(value);
      ConsumerRecord<byte[], byte[]> poison =
          new ConsumerRecord<>(source, 0, 41L, "k1".getBytes(StandardCharsets.UTF_8), value);
      Liveness liveness = new Liveness();
      try (DeadLetters deadLetters =
          new DeadLetters(
              clients.producer("dlq"), Topics.DEFAULTS, registry, store, admin, liveness)) {

        deadLetters.send("ingest.validate", "too big", "X", poison).get(30, TimeUnit.SECONDS);
      }

      ConsumerRecord<byte[], byte[]> letter = readOne(clients, source + ".dlq");
      assertThat(letter.value()).isNull();
      assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("k1");
      String valueKey = header(letter, Headers.DEAD_LETTER_VALUE_KEY);
      assertThat(valueKey).isEqualTo("dead-letters/" + source + "/0-41");
      assertThat(header(letter, Headers.SOURCE_OFFSET)).isEqualTo("41");
      assertThat(store.get(valueKey)).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
      assertThat(liveness.healthy()).isTrue();
    }
  }

  @Test
  void shouldStopTheServiceWhenTheDeadLetterTopicCannotBeWritten(LocalStack stack) {
    Liveness liveness = new Liveness();
    Topics badSuffix = Topics.fromEnv(Map.of("CYCLEGAN_DLQ_SUFFIX", "/not a topic"));
    try (KafkaClients clients =
            new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), registry, "dl-it-bad");
        AdminClient admin = clients.admin();
        DeadLetters deadLetters =
            new DeadLetters(clients.producer("dlq"), badSuffix, registry, null, admin, liveness)) {
      ConsumerRecord<byte[], byte[]> record =
          new ConsumerRecord<>("cyclegan.images.in", 0, 7L, null, new byte[] {1, 2, 3});

      assertThatThrownBy(
              () ->
                  deadLetters.send("ingest.validate", "bad", "X", record).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DeadLetters.DeadLetterTopicException.class)
          .hasMessageContaining("cyclegan.images.in/not a topic");
      assertThat(liveness.healthy()).isFalse();
      assertThat(liveness.deadLoops()).containsKey("dead-letters");
    }
  }

  private static ConsumerRecord<byte[], byte[]> readOne(KafkaClients clients, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        clients.consumer("read-" + topic, "dl-it-" + UUID.randomUUID())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
              });
      assertThat(got).hasSize(1);
      return got.get(0);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
