package io.cyclegan.cli;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/** Plain clients of the test stack, with which the tests play the services' part. */
final class StackClients {
  private final LocalStack stack;
  private final KafkaClients clients;

  StackClients(LocalStack stack) {
    this.stack = stack;
    this.clients = new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), null, "cli-it");
  }

  KafkaProducer<byte[], byte[]> producer() {
    return clients.producer("it");
  }

  KafkaConsumer<byte[], byte[]> consumer(String group) {
    return clients.consumer("it", group);
  }

  ObjectStore store() {
    return new ObjectStore(
        S3Settings.of(stack.s3Endpoint(), stack.bucket(), stack.accessKey(), stack.secretKey()));
  }

  /**
   * A consumer assigned to every partition of {@code topic} at its current end, positions fixed, so
   * it sees exactly what is written from now on.
   */
  KafkaConsumer<byte[], byte[]> consumerAtEnd(String topic, String group) {
    KafkaConsumer<byte[], byte[]> consumer = consumer(group);
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }

  /** Every record of {@code topic} now, from its beginning to its current end. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(null)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
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
    return records.stream()
        .sorted(
            java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                .thenComparing(ConsumerRecord::offset))
        .collect(Collectors.toList());
  }
}
