package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.header;
import static io.cyclegan.ingest.StackFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise: a record that cannot be dead-lettered as it is (its value is so close to the
 * broker's 1 MiB limit that the added error headers push it over) does not wedge its partition. It
 * is dead-lettered without its value, with a header naming where the value was put in the store (or
 * saying it was dropped); the records after it on the same partition are processed, each output
 * sent once, and the committed offset reaches the end.
 */
@ExtendWith(LocalStackExtension.class)
class PoisonRecordIT {
  // The producers' max.request.size: the poison record fits, its dead letter does not.
  private static final int KAFKA_LIMIT_BYTES = 1_048_576;

  @Test
  void shouldDeadLetterANearLimitRecordWithoutItsValueAndMoveOnWhenItCannotBeRefusedAsItIs(
      LocalStack stack) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "it.poison." + run;
    String group = "ingest-poison-" + run;
    String dataset = "poison-" + run;
    StackFixtures.createTopics(stack, topic, 1);
    ObjectStore store = StackFixtures.store(stack);
    byte[] poison = new byte[KAFKA_LIMIT_BYTES - 300];
    Arrays.fill(poison, (byte) 0x7f);
    String poisonKey = "poison-" + run;
    String before = "before-" + run;
    String after = "after-" + run;

    try (KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack)) {
      producer.send(translate(topic, before));
      RecordMetadata poisoned =
          producer
              .send(
                  image(
                      topic,
                      poisonKey,
                      poison,
                      Headers.PURPOSE,
                      "dataset",
                      Headers.DATASET,
                      dataset,
                      Headers.DOMAIN,
                      "A"))
              .get();
      for (int i = 0; i < 3; i++) {
        producer.send(
            image(
                topic,
                "img-" + i,
                TestImages.png(16, 16, 40 + i),
                Headers.PURPOSE,
                "dataset",
                Headers.DATASET,
                dataset,
                Headers.DOMAIN,
                "A"));
      }
      producer.send(translate(topic, after)).get();

      try (IngestService ingest =
              new IngestService(
                      StackFixtures.config(
                          stack, "CYCLEGAN_TOPIC_IMAGES_IN", topic, "CYCLEGAN_GROUP_ID", group),
                      IngestService.LOOPBACK)
                  .start();
          TopicTap deadLetters = new TopicTap(stack, topic + ".dlq");
          TopicTap claims = new TopicTap(stack, Topics.DEFAULTS.translateRequests());
          TopicTap events = new TopicTap(stack, Topics.DEFAULTS.datasets())) {
        ConsumerRecord<byte[], byte[]> letter = deadLetters.awaitKey(poisonKey, 1).get(0);
        assertThat(letter.value()).as("the dead letter's value").isNull();
        assertThat(header(letter, Headers.SOURCE_OFFSET))
            .isEqualTo(Long.toString(poisoned.offset()));
        String valueKey = header(letter, Headers.DEAD_LETTER_VALUE_KEY);
        if (valueKey != null) {
          assertThat(store.get(valueKey)).hasValueSatisfying(v -> assertThat(v).isEqualTo(poison));
        } else {
          assertThat(header(letter, Headers.DEAD_LETTER_VALUE_DROPPED)).isNotBlank();
        }

        events.awaitKey(dataset, 3);
        claims.awaitKey(after, 1);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> StackFixtures.uncommitted(stack, group, topic) == 0);
        assertThat(store.list(ObjectKeys.datasetDomainPrefix(dataset, "A"))).hasSize(3);
        for (String requestId : List.of(before, after)) {
          assertThat(claims.drain(r -> requestId.equals(StackFixtures.key(r))))
              .as("claim checks of %s", requestId)
              .hasSize(1);
        }
        assertThat(deadLetters.drain(r -> poisonKey.equals(StackFixtures.key(r)))).hasSize(1);
        assertThat(ingest.runtime().liveness().healthy()).isTrue();
      }
    }
  }

  private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> translate(
      String topic, String requestId) {
    return image(
        topic, requestId, TestImages.png(16, 16), Headers.PURPOSE, "translate", Headers.MODEL, "z");
  }
}
