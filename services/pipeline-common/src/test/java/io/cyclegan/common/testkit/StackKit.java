package io.cyclegan.common.testkit;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The one test kit: how every module's tests reach the embedded stack (the services' environment,
 * plain Kafka clients and the store) and run a service in its own JVM. Replaces the environment
 * maps and client set-up each module's fixtures used to repeat.
 */
public final class StackKit implements AutoCloseable {
  private final LocalStack stack;
  private final KafkaClients clients;

  public StackKit(LocalStack stack) {
    this.stack = stack;
    this.clients =
        new KafkaClients(
            KafkaSettings.of(stack.bootstrapServers()),
            null,
            "kit-" + UUID.randomUUID().toString().substring(0, 8));
  }

  public LocalStack stack() {
    return stack;
  }

  /**
   * What a service reads to run against this stack: the connection, a free side port, the CPU, and
   * then {@code overrides}.
   */
  public Map<String, String> env(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(stack.connectionEnv());
    env.put("CYCLEGAN_METRICS_PORT", "0");
    env.put("CYCLEGAN_DEVICE", "cpu");
    env.putAll(overrides);
    return env;
  }

  /** A store client with the interactive (10 s) retry budget. */
  public ObjectStore store() {
    return new ObjectStore(
        S3Settings.of(stack.s3Endpoint(), stack.bucket(), stack.accessKey(), stack.secretKey()));
  }

  public KafkaClients clients() {
    return clients;
  }

  public KafkaProducer<byte[], byte[]> producer() {
    return clients.producer("it");
  }

  /** A consumer in {@code group}, or with no group (for assign) when it is null. */
  public KafkaConsumer<byte[], byte[]> consumer(String group) {
    return clients.consumer("it", group);
  }

  /**
   * A consumer assigned to every partition of {@code topic} at its current end, positions fixed, so
   * it sees exactly what is written from now on; {@code group} (may be null) only names where it
   * would commit.
   */
  public KafkaConsumer<byte[], byte[]> consumerAtEnd(String topic, String group) {
    KafkaConsumer<byte[], byte[]> consumer = consumer(group);
    List<TopicPartition> partitions = partitions(consumer, topic);
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }

  /** Every record of {@code topic} now, from its beginning to its current end, in offset order. */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(null)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end");
        }
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    records.sort(
        Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.partition())
            .thenComparing(ConsumerRecord::offset));
    return records;
  }

  /**
   * The committed offsets of {@code group} on {@code topic}, and its end offsets, per partition.
   */
  public Map<TopicPartition, long[]> committedAndEnd(String topic, String group) {
    Map<TopicPartition, long[]> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(group)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      var committed = consumer.committed(new java.util.HashSet<>(partitions));
      for (TopicPartition tp : partitions) {
        var c = committed.get(tp);
        out.put(tp, new long[] {c == null ? 0 : c.offset(), end.get(tp)});
      }
    }
    return out;
  }

  /**
   * A service's {@code main} in its own JVM (for a real SIGKILL or SIGTERM), with this test's class
   * path, {@code -Xmx}, and {@link #env} plus {@code overrides}; not started.
   */
  public ServiceProcess service(String mainClass, String xmx, Map<String, String> overrides) {
    return ServiceProcess.builder()
        .setMainClass(mainClass)
        .optEnv(env(overrides))
        .optJvmOptions(List.of("-Xmx" + xmx, "-Dai.djl.offline=true"))
        .build();
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  @Override
  public void close() {
    clients.close();
  }
}
