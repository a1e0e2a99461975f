package io.cyclegan.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class PublishStageTest {

  private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
    return new ConsumerRecord<>(
        "t",
        0,
        0,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldReadTheRequestIdOfABadClaimCheckFromItsFieldThenItsKey() {
    assertThat(PublishStage.readableRequestId(record("k1", "{\"requestId\": \"r1\", \"x\": 1}")))
        .isEqualTo("r1");
    assertThat(PublishStage.readableRequestId(record("k1", "{not json"))).isEqualTo("k1");
    assertThat(PublishStage.readableRequestId(record("../etc", "{not json"))).isNull();
    assertThat(PublishStage.readableRequestId(record(null, "garbage"))).isNull();
  }
}
