package io.cyclegan.ingest;

import io.cyclegan.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads a whole topic from the beginning without a consumer group, for assertions: the stack is
 * shared, so tests pick their records out by key.
 */
public final class TopicTap implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  public TopicTap(LocalStack stack, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic, Duration.ofSeconds(30))
        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Waits until at least {@code count} records match, then returns every match. */
  public List<ConsumerRecord<byte[], byte[]>> await(
      Predicate<ConsumerRecord<byte[], byte[]>> match, int count) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
              return seen.stream().filter(match).count() >= count;
            });
    return seen.stream().filter(match).toList();
  }

  /** Every matching record seen after reading until the end of the topic, for "no more" checks. */
  public List<ConsumerRecord<byte[], byte[]>> drain(
      Predicate<ConsumerRecord<byte[], byte[]>> match) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInSameThread()
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
              return consumer.assignment().stream()
                  .allMatch(
                      tp -> consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp));
            });
    return seen.stream().filter(match).toList();
  }

  /** Records matching, waiting for {@code count} of them by key. */
  public List<ConsumerRecord<byte[], byte[]>> awaitKey(String key, int count) {
    return await(r -> key.equals(StackFixtures.key(r)), count);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
