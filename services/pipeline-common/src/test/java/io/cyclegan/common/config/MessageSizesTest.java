package io.cyclegan.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.kafka.KafkaClients;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class MessageSizesTest {

  @Test
  void shouldLeaveRoomForHeadersAndDeadLetterHeadersWhenDerivingFromTheImageLimit() {
    MessageSizes sizes = MessageSizes.fromEnv(new Env(Map.of()));

    assertThat(sizes.maxImageBytes()).isEqualTo(1_048_576);
    assertThat(sizes.imageTopicMaxMessageBytes()).isEqualTo(1_048_576 + 65_536);
    assertThat(sizes.deadLetterMaxMessageBytes()).isEqualTo(1_048_576 + 65_536 + 16_384);
    assertThat(sizes.maxRequestBytes()).isEqualTo(sizes.deadLetterMaxMessageBytes());
    assertThat(sizes.imageTopicConfig()).containsEntry("max.message.bytes", "1114112");
  }

  @Test
  void shouldFollowTheImageLimitWhenItIsSet() {
    MessageSizes sizes =
        MessageSizes.fromEnv(new Env(Map.of("CYCLEGAN_MAX_IMAGE_BYTES", "5000000")));

    assertThat(sizes.imageTopicMaxMessageBytes()).isEqualTo(5_000_000 + 65_536);
    assertThat(
            KafkaSettings.fromEnv(new Env(Map.of("CYCLEGAN_MAX_IMAGE_BYTES", "5000000")))
                .properties())
        .containsEntry("max.request.size", Integer.toString(5_000_000 + 65_536 + 16_384));
  }

  @Test
  void shouldKeepProducersAbleToForwardDefaultSizedRecordsWhenTheLimitIsLowered() {
    MessageSizes sizes = new MessageSizes(65_536);

    assertThat(sizes.imageTopicMaxMessageBytes()).isEqualTo(65_536 + 65_536);
    assertThat(sizes.maxRequestBytes()).isEqualTo(MessageSizes.DEFAULT.maxRequestBytes());
  }

  @Test
  void shouldKeepAnExplicitProducerLimitWhenKafkaMaxRequestSizeIsSet() {
    assertThat(
            KafkaSettings.fromEnv(new Env(Map.of("KAFKA_MAX_REQUEST_SIZE", "2000000")))
                .properties())
        .containsEntry("max.request.size", "2000000");
  }

  @Test
  void shouldRefuseALimitKafkaCannotCarryWhenTooLarge() {
    assertThatThrownBy(() -> new MessageSizes(Integer.MAX_VALUE))
        .hasMessageContaining("CYCLEGAN_MAX_IMAGE_BYTES");
  }

  @Test
  void shouldGiveProducersTheDerivedLimitAndConsumersNoneWhenClientsAreMade() {
    try (KafkaClients clients =
            new KafkaClients(KafkaSettings.of("127.0.0.1:1"), null, "sizes-test");
        KafkaProducer<byte[], byte[]> producer =
            clients.producer("p", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1"))) {
      assertThat(producer.metrics()).isNotEmpty();
      assertThat(clients.consumer("c", "g")).isNotNull();
    }
  }
}
