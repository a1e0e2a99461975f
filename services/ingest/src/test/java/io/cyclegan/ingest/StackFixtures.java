package io.cyclegan.ingest;

import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds what integration tests need against the shared embedded stack. */
public final class StackFixtures {
  private StackFixtures() {}

  /**
   * An ingest config pointing at the stack, on free ports, with {@code overrides} (alternating
   * names and values) on top.
   */
  public static IngestConfig config(LocalStack stack, String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("S3_ENDPOINT", stack.s3Endpoint());
    env.put("S3_ACCESS_KEY", stack.accessKey());
    env.put("S3_SECRET_KEY", stack.secretKey());
    env.put("S3_BUCKET", stack.bucket());
    env.put("CYCLEGAN_METRICS_PORT", "0");
    env.put("CYCLEGAN_HTTP_PORT", "0");
    env.put("CYCLEGAN_INGEST_THREADS", "2");
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return IngestConfig.fromEnv(env);
  }

  public static ObjectStore store(LocalStack stack) {
    return new ObjectStore(
        S3Settings.of(stack.s3Endpoint(), stack.bucket(), stack.accessKey(), stack.secretKey()));
  }

  public static KafkaProducer<byte[], byte[]> producer(LocalStack stack) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p);
  }

  /** Creates {@code topic} and its dead-letter topic. */
  public static void createTopics(LocalStack stack, String topic, int partitions) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, partitions, (short) 1),
                  new NewTopic(topic + ".dlq", 1, (short) 1)))
          .all()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create " + topic, e.getCause());
    }
  }

  /** A record with {@code cg-*} headers given as alternating names and values. */
  public static ProducerRecord<byte[], byte[]> image(
      String topic, String key, byte[] value, String... headers) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(
            topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }

  public static String header(
      org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r, String name) {
    org.apache.kafka.common.header.Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  public static String key(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }
}
