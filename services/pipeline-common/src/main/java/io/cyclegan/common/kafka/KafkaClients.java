package io.cyclegan.common.kafka;

import io.cyclegan.common.config.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates Kafka clients from the {@code KAFKA_*} settings (security, SASL and TLS pass through)
 * with the pipeline's fixed choices on top: idempotent producers with {@code acks=all}; consumers
 * that commit by hand and start from the earliest offset. Every client gets its {@link
 * KafkaClientMetrics} bound to the registry, closed with {@link #close()}.
 */
public final class KafkaClients implements AutoCloseable {
  private final KafkaSettings settings;
  private final MeterRegistry registry;
  private final String clientIdPrefix;
  private final List<KafkaClientMetrics> metrics = new ArrayList<>();

  public KafkaClients(KafkaSettings settings, MeterRegistry registry, String clientIdPrefix) {
    this.settings = settings;
    this.registry = registry;
    this.clientIdPrefix = clientIdPrefix;
  }

  /** An idempotent producer of byte keys and values, {@code acks=all}. */
  public KafkaProducer<byte[], byte[]> producer(String name) {
    return producer(name, Map.of());
  }

  public KafkaProducer<byte[], byte[]> producer(String name, Map<String, Object> overrides) {
    Properties p = settings.toProperties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + name);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putAll(overrides);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
    bind(new KafkaClientMetrics(producer));
    return producer;
  }

  /**
   * A consumer of byte keys and values with manual commits, reading from the earliest offset when
   * its group has none, with the cooperative-sticky assignor.
   *
   * @param groupInstanceId a static member id, or {@code null} for dynamic membership
   */
  public KafkaConsumer<byte[], byte[]> consumer(
      String name, String groupId, String groupInstanceId, Map<String, Object> overrides) {
    Properties p = settings.toProperties();
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + name);
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    if (groupInstanceId != null) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
    }
    p.remove(KafkaSettings.MAX_REQUEST_SIZE); // a producer's setting
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(overrides);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
    bind(new KafkaClientMetrics(consumer));
    return consumer;
  }

  public KafkaConsumer<byte[], byte[]> consumer(String name, String groupId) {
    return consumer(name, groupId, null, Map.of());
  }

  public AdminClient admin() {
    Properties p = settings.toProperties();
    p.remove(KafkaSettings.MAX_REQUEST_SIZE); // a producer's setting
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-admin");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    AdminClient admin = AdminClient.create(p);
    bind(new KafkaClientMetrics(admin));
    return admin;
  }

  private synchronized void bind(KafkaClientMetrics m) {
    if (registry != null) {
      m.bindTo(registry);
      metrics.add(m);
    }
  }

  /** Unbinds the client metrics; the clients themselves are closed by their owners. */
  @Override
  public synchronized void close() {
    metrics.forEach(KafkaClientMetrics::close);
    metrics.clear();
  }
}
