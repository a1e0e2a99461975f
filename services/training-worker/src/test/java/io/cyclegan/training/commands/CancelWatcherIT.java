package io.cyclegan.training.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class CancelWatcherIT {

  @Test
  void shouldSeeCancelsOnPartitionsAddedWhileItRuns(LocalStack stack) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String topic = "cyclegan.training.commands.watch-" + suffix;
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    CancelRequests requests = new CancelRequests();
    try (Admin admin = Admin.create(adminProps);
        KafkaProducer<byte[], byte[]> producer = TestKafka.producer(stack)) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      CancelWatcher watcher =
          new CancelWatcher(
              () -> TestKafka.consumer(stack, null),
              admin,
              topic,
              "watch-group-" + suffix,
              requests,
              Duration.ofMillis(100),
              RetryPolicy.DEFAULT);
      Thread thread = new Thread(watcher, "cancel-watcher-it");
      thread.start();
      try {
        assertThat(watcher.awaitReady(Duration.ofSeconds(30))).isTrue();
        send(producer, topic, 0, TrainingCommand.cancel("job-old-" + suffix));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> requests.isRequested("job-old-" + suffix, 0, -1, 0));

        // Scaling out: the operator adds partitions, and a cancel lands on a new one.
        admin
            .createPartitions(Map.of(topic, NewPartitions.increaseTo(3)))
            .all()
            .get(30, TimeUnit.SECONDS);
        String jobId = "job-new-" + suffix;
        send(producer, topic, 2, TrainingCommand.cancel(jobId));
        await().atMost(Duration.ofSeconds(30)).until(() -> requests.isRequested(jobId, 2, -1, 0));
      } finally {
        watcher.close();
        thread.join(10_000);
      }
    }
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, int partition, TrainingCommand command)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic,
                partition,
                command.jobId().getBytes(StandardCharsets.UTF_8),
                MessageCodec.encode(command)))
        .get(30, TimeUnit.SECONDS);
  }
}
