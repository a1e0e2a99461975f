package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.header;
import static io.cyclegan.ingest.StackFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.config.MessageSizes;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.ingest.routing.RejectReason;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default image limit (1 MiB) equals Kafka's own default record limits; with the sizes derived
 * from it (MessageSizes: the topics local-stack creates, the services' producers) an image of
 * exactly the limit is stored, and one a byte over gets a TOO_LARGE rejection with its dead letter
 * carrying all its bytes, instead of failing in a producer or at the broker.
 */
@ExtendWith(LocalStackExtension.class)
class ImageSizeLimitIT {
  private static final Topics TOPICS = Topics.DEFAULTS;
  private static final int LIMIT = Math.toIntExact(MessageSizes.DEFAULT_MAX_IMAGE_BYTES);
  private static final String GROUP = "ingest-size-it-" + UUID.randomUUID();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static IngestService service;
  private static KafkaProducer<byte[], byte[]> producer;
  private static ObjectStore store;

  @BeforeAll
  static void start(LocalStack stack) {
    service =
        new IngestService(
                StackFixtures.config(stack, "CYCLEGAN_GROUP_ID", GROUP), IngestService.LOOPBACK)
            .start();
    // A user's producer, sized as docs/configuration.md ("Record sizes") says.
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MessageSizes.DEFAULT.imageTopicMaxMessageBytes());
    producer = new KafkaProducer<>(p);
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

  @Test
  void shouldStoreAnImageOfExactlyTheLimitWhenSentOverKafka() throws Exception {
    String dataset = "at-limit-" + RUN;
    byte[] png = pngOfSize(LIMIT, 1);

    producer.send(datasetRecord("at-limit-" + RUN, dataset, png)).get();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(store.list("datasets/" + dataset + "/A/")).hasSize(1));
  }

  @Test
  void shouldRejectAnImageOneByteOverTheLimitWithADeadLetterWhenSentOverKafka(LocalStack stack)
      throws Exception {
    String key = "over-limit-" + RUN;
    byte[] png = pngOfSize(LIMIT + 1, 2);

    try (TopicTap dlq = new TopicTap(stack, TOPICS.dlq(TOPICS.imagesIn()))) {
      producer.send(datasetRecord(key, "over-limit-" + RUN, png)).get();

      ConsumerRecord<byte[], byte[]> letter = dlq.awaitKey(key, 1).get(0);
      assertThat(letter.value()).hasSize(LIMIT + 1).isEqualTo(png);
      assertThat(header(letter, Headers.ERROR_MESSAGE))
          .startsWith(RejectReason.TOO_LARGE.name() + ": ");
    }
    assertThat(store.list("datasets/over-limit-" + RUN + "/A/")).isEmpty();
  }

  private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> datasetRecord(
      String key, String dataset, byte[] png) {
    return image(
        TOPICS.imagesIn(),
        key,
        png,
        Headers.PURPOSE,
        "dataset",
        Headers.DATASET,
        dataset,
        Headers.DOMAIN,
        "A");
  }

  /** A valid PNG of exactly {@code size} bytes: a small picture and a private ancillary chunk. */
  static byte[] pngOfSize(int size, int seed) {
    byte[] base = TestImages.png(32, 32, seed);
    int iend = base.length - 12; // IEND: length, type, CRC, no data
    int padding = size - base.length - 12;
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.write(base, 0, iend);
    byte[] type = "prVt".getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[padding];
    Arrays.fill(data, (byte) seed);
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(padding).array());
    out.writeBytes(type);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    out.write(base, iend, 12);
    byte[] png = out.toByteArray();
    assertThat(png).hasSize(size);
    return png;
  }
}
