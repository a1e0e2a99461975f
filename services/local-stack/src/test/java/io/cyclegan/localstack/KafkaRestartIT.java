package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class KafkaRestartIT {

  @Test
  void shouldServeProducersAgainWhenBrokerRestarted(LocalStack stack) throws Exception {
    String bootstrap = stack.bootstrapServers();
    try {
      stack.stopKafka();

      assertThat(stack.isKafkaRunning()).isFalse();
      try (Admin admin = admin(bootstrap)) {
        assertThatThrownBy(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class);
      }
    } finally {
      // The stack is shared by every test of the run: bring the broker back whatever happened.
      stack.startKafka();
    }

    assertThat(stack.bootstrapServers()).isEqualTo(bootstrap);
    try (KafkaProducer<String, String> producer = producer(bootstrap)) {
      RecordMetadata sent =
          producer.send(new ProducerRecord<>("cyclegan.training.commands", "job-1", "{}")).get();
      assertThat(sent.topic()).isEqualTo("cyclegan.training.commands");
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000));
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(),
        new StringSerializer());
  }
}
