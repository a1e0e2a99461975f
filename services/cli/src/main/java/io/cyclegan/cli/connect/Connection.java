package io.cyclegan.cli.connect;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ObjectStore;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Resolved settings and the clients made from them. The records' {@code toString} masks the
 * secrets, so a {@code Connection} may be printed.
 */
public record Connection(KafkaSettings kafka, S3Settings s3, Topics topics) {

  private static final String CLIENT_ID_PREFIX = "cyclegan-cli";

  // A person is waiting: fail within seconds when the cluster is unreachable rather than after
  // the clients' one-minute defaults.
  private static final String BLOCK_MS = "20000";

  /** An idempotent producer; the caller closes it. */
  public KafkaProducer<byte[], byte[]> producer() {
    return clients().producer("producer", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, BLOCK_MS));
  }

  /**
   * A consumer without a group: the CLI assigns partitions and seeks, so it never joins (and never
   * disturbs) the services' groups, and reading creates no topic.
   */
  public KafkaConsumer<byte[], byte[]> reader() {
    return clients()
        .consumer(
            "reader",
            null,
            null,
            Map.of(
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                "false",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                BLOCK_MS));
  }

  public AdminClient admin() {
    return clients().admin();
  }

  public ObjectStore store() {
    return new ObjectStore(s3);
  }

  private KafkaClients clients() {
    // No meter registry: a command's client metrics have nowhere to go.
    return new KafkaClients(kafka, null, CLIENT_ID_PREFIX);
  }
}
