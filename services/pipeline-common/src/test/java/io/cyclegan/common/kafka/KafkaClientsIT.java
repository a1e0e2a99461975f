package io.cyclegan.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class KafkaClientsIT {

  @Test
  void shouldRoundTripRecordsWithHeadersAndCommitByHand(LocalStack stack) {
    String topic = "it.roundtrip." + UUID.randomUUID();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaClients clients =
            new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), registry, "it");
        KafkaProducer<byte[], byte[]> producer = clients.producer("p");
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer("c", "it-" + UUID.randomUUID())) {
      ProducerRecord<byte[], byte[]> sent =
          CloudEvents.record(topic, "j1", TrainingEvent.of("j1", TrainingEvent.Type.started), "it");
      sent.headers().add(Headers.PURPOSE, "dataset".getBytes(StandardCharsets.UTF_8));
      producer.send(sent).get();

      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
              });
      consumer.commitSync();

      ConsumerRecord<byte[], byte[]> record = got.get(0);
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("j1");
      assertThat(MessageCodec.decode(record.value(), TrainingEvent.class).type())
          .isEqualTo(TrainingEvent.Type.started);
      assertThat(
              new String(
                  record.headers().lastHeader(Headers.CE_TYPE).value(), StandardCharsets.UTF_8))
          .isEqualTo(TrainingEvent.SCHEMA);
      assertThat(
              new String(
                  record.headers().lastHeader(Headers.PURPOSE).value(), StandardCharsets.UTF_8))
          .isEqualTo("dataset");
      assertThat(registry.getMeters())
          .anySatisfy(m -> assertThat(m.getId().getName()).startsWith("kafka."));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
